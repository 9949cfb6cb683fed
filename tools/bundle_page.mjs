// Build step (build.py): the staged site's app/main.js and every module it imports -> one ES module
// (written over app/main.js), not minified. Run inside the staged site, so the modules it bundles are the
// ones build.py prepared (app/site-files.js carries the list of file hashes) and the paths in the bundle's
// comments do not depend on the staging folder's name.
//   node tools/bundle_page.mjs SITE_FOLDER
// esbuild's JavaScript API finds its own platform binary, whether or not npm ran its install script.
import { buildSync } from "esbuild";
import { resolve } from "node:path";

buildSync({ absWorkingDir: resolve(process.argv[2]), entryPoints: ["app/main.js"], bundle: true, format: "esm",
  charset: "utf8", outfile: "app/main.js", allowOverwrite: true, logLevel: "warning" });
