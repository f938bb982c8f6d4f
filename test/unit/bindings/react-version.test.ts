// The React tests run twice: on the root's React 19 (project `unit`) and on React 18 (project
// `bindings-react18`, which names the version it swaps in). This checks the swap took effect, so
// a green React 18 run cannot be React 19 in disguise.
import { version as react } from 'react';
import { version as reactDom } from 'react-dom';
import { version as reactDomServer } from 'react-dom/server';
import { expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };

const expected = process.env.TOKENWARD_TEST_REACT_VERSION ?? pkg.devDependencies.react;

it('React, ReactDOM and its server renderer are the version this project runs on', () => {
  expect({ react, reactDom, reactDomServer }).toEqual({ react: expected, reactDom: expected, reactDomServer: expected });
});
