import { Routes } from '@angular/router';
import { authGuard } from 'tokenward/angular';
import { Account } from './account';
import { Home } from './home';
import { Login } from './login';

export const routes: Routes = [
  { path: '', component: Home },
  { path: 'login', component: Login },
  // Waits for the session to be ready, then lets signed-in users in; the others go to `login`.
  { path: 'account', component: Account, canActivate: [authGuard] },
];
