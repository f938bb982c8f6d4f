// Bundle-size app: tokenward core, as the quickstart uses it.
import { startTokenwardApp } from './shared/tokenward-app.ts';

startTokenwardApp();
