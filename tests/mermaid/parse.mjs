// Parses each Mermaid file named on the command line with mermaid's own parser, headless
// (jsdom gives mermaid's DOMPurify a window). Prints one line per file: "ok <diagram type>"
// or "error <message>"; exits 1 if any file does not parse.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`ok ${result.diagramType}`);
  } catch (e) {
    failed = true;
    console.log(`error ${String(e.message ?? e).split("\n").join(" | ")}`);
  }
}
process.exit(failed ? 1 : 0);
