// Bundle-size app: the tokenward quickstart with DPoP (`dpop` from tokenward/dpop).
import { dpop } from '../../src/dpop/index.ts';
import { startTokenwardApp } from './shared/tokenward-app.ts';

startTokenwardApp({ dpop });
