import { defineConfig, type Plugin, transformWithEsbuild } from "vite";

/**
 * Vite leaves whitespace in a library's ES build (to keep pure annotations for tree-shaking);
 * the widget is one default export with no dependencies, so nothing is shaken and the ES
 * build is minified like the IIFE (both are held to the same size limit).
 */
const minifyEsm: Plugin = {
  name: "zerofee-minify-esm",
  renderChunk: {
    order: "post",
    async handler(code, chunk, options) {
      if (options.format !== "es") return null;
      const out = await transformWithEsbuild(code, chunk.fileName, {
        minify: true,
        format: "esm",
        loader: "js",
        // The IIFE's syntax level; `import.meta.url` kept (a module has it): it names the API's origin.
        target: "es2019",
        supported: { "import-meta": true },
      });
      return { code: out.code, map: null };
    },
  },
};

/**
 * Two library builds of one entry: `checkout.js` (IIFE assigning the global
 * `ZeroFeeCheckout`, for a <script> tag) and `checkout.esm.js` (for bundlers). No runtime
 * dependencies, so nothing else is bundled.
 */
export default defineConfig({
  plugins: [minifyEsm],
  build: {
    target: "es2019",
    outDir: "dist",
    emptyOutDir: true,
    minify: "esbuild",
    reportCompressedSize: false,
    lib: {
      entry: "src/index.ts",
      name: "ZeroFeeCheckout",
      formats: ["iife", "es"],
      fileName: (format) => (format === "iife" ? "checkout.js" : "checkout.esm.js"),
    },
    rollupOptions: { output: { exports: "default" } },
  },
});
