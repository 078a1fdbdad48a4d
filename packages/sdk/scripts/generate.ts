/** `npm run sdk:generate`: boots ZeroFee on an in-memory database and writes both SDKs' generated types. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { startTestApp } from "../../server/test/harness.js";
import { fetchDocument, GENERATED, generatePython, generateTypeScript } from "./openapi.js";

const t = await startTestApp();
try {
  const document = await fetchDocument(t.url);
  for (const [file, text] of [
    [GENERATED.typescript, await generateTypeScript(document)],
    [GENERATED.python, generatePython(document)],
  ] as const) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
} finally {
  await t.stop();
}
