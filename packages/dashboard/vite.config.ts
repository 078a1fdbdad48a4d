import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

/**
 * The dashboard SPA, served by the server under /dashboard/: hashed file names in
 * dist/assets (cached a year, immutable), dist/index.html (no-cache). Pages other than
 * sign-in are split into their own chunks so the first load stays small (size-limit).
 */
export default defineConfig({
  base: "/dashboard/",
  plugins: [solid(), tailwindcss()],
  build: {
    target: "es2020",
    outDir: "dist",
    emptyOutDir: true,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
});
