// Prints a linter's JSON results as one line per problem (severity, rule, where in the document,
// message), then the count per rule, then "<errors> errors, <warnings> warnings" as the last line.
// The document is a temporary download, so places are JSON paths, not line numbers.
// Usage: node report.mjs spectral|redocly RESULTS.json
import { readFileSync } from "node:fs";

const [tool, file] = process.argv.slice(2);
const raw = JSON.parse(readFileSync(file, "utf8"));

const problems =
    tool === "spectral"
        ? raw.map((p) => ({
              severity: ["error", "warning", "info", "hint"][p.severity],
              rule: p.code,
              where: p.path.join("."),
              message: p.message,
          }))
        : raw.problems.map((p) => ({
              severity: p.severity === "warn" ? "warning" : p.severity,
              rule: p.ruleId,
              where: (p.location?.[0]?.pointer ?? "").replace(/^#/, ""),
              message: p.message,
          }));

const order = { error: 0, warning: 1, info: 2, hint: 3 };
problems.sort((a, b) => order[a.severity] - order[b.severity] || a.rule.localeCompare(b.rule) || a.where.localeCompare(b.where));
for (const p of problems) {
    console.log(`  ${p.severity.padEnd(7)} ${p.rule}  ${p.where}  ${p.message}`);
}

const perRule = new Map();
for (const p of problems) {
    const key = `${p.severity} ${p.rule}`;
    perRule.set(key, (perRule.get(key) ?? 0) + 1);
}
if (perRule.size > 0) {
    console.log("  per rule:");
    for (const [key, count] of perRule) {
        console.log(`    ${String(count).padStart(4)} ${key}`);
    }
}

const count = (severity) => problems.filter((p) => p.severity === severity).length;
console.log(`${count("error")} errors, ${count("warning")} warnings`);
