import { Link, Route, Routes } from 'react-router';
import { Account } from './Account';
import { Login } from './Login';
import { RequireAuth } from './RequireAuth';

export function App() {
  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/account">Account</Link>
      </nav>
      <Routes>
        <Route path="/" element={<p>Welcome.</p>} />
        <Route path="/login" element={<Login />} />
        <Route
          path="/account"
          element={
            <RequireAuth>
              <Account />
            </RequireAuth>
          }
        />
      </Routes>
    </>
  );
}
