// What `import { z } from 'zod'` gives, without the locales (see classic.ts). The Lambda
// bundles alias `zod` to this module (infra/bundling.ts); tests and `npm start` use zod itself.
import * as z from './classic.ts';

export * from './classic.ts';
export { z, z as default };
