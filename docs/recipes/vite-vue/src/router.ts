import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { createAuthGuard, leaveOnLogout, type AuthGuardOptions } from 'tokenward/vue';
import AccountPage from './AccountPage.vue';
import HomePage from './HomePage.vue';
import LoginPage from './LoginPage.vue';
import { session } from './session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: HomePage },
    { path: '/login', name: 'login', component: LoginPage },
    { path: '/account', component: AccountPage, meta: { requiresAuth: true } },
  ],
});

// Where a signed-out user goes: with where they wanted to be and, when a session just ended
// on a protected route, why (`reason` is set by leaveOnLogout).
const guard: AuthGuardOptions<RouteLocationRaw> = {
  login: (to, reason) => ({ name: 'login', query: { next: to.fullPath, ...(reason && { reason }) } }),
};
// Routes with meta.requiresAuth wait for session.ready, then need a session.
router.beforeEach(createAuthGuard(session, guard));
// A session that ends while such a route is shown (a logout here or in another tab, expiry, idle).
leaveOnLogout(session, router, guard);
