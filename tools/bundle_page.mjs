// Build step (build.py): app/main.js and every module it imports -> one ES module, not minified.
//   node tools/bundle_page.mjs OUTFILE
// esbuild's JavaScript API finds its own platform binary, whether or not npm ran its install script.
import { buildSync } from "esbuild";

buildSync({ entryPoints: ["app/main.js"], bundle: true, format: "esm", charset: "utf8",
  outfile: process.argv[2], allowOverwrite: true, logLevel: "warning" });
