/**
 * Global setup: on PGlite runs, makes (or finds) the migrated database image every test file
 * starts from (pglite-image.ts) and names it to the test processes.
 */
import { migratedPgliteImage } from "./pglite-image.js";

export async function setup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  process.env.ZEROFEE_TEST_PGLITE_IMAGE = await migratedPgliteImage();
}
