import { defineConfig } from "vite";

/**
 * Two library builds of one entry: `checkout.js` (IIFE assigning the global
 * `ZeroFeeCheckout`, for a <script> tag) and `checkout.esm.js` (for bundlers). No runtime
 * dependencies, so nothing else is bundled.
 */
export default defineConfig({
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
