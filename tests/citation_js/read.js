// Reads one citation file from standard input with citation-js, the parser that
// reference managers and citation tools embed, and prints what it understood as CSL-JSON.
// Usage: node read.js bib|ris|json < FILE
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-csl");

const FORMATS = { bib: "@biblatex/text", ris: "@ris/file", json: "@csl/list+object" };
const format = process.argv[2];
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const input = format === "json" ? JSON.parse(text) : text;
  const cite = new Cite(input, { forceType: FORMATS[format] });
  process.stdout.write(JSON.stringify(cite.data.map(({ _graph, ...item }) => item)));
});
