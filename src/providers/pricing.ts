// The price table moved to src/pricing/ so that the runtime library can price calls without
// loading providers/; this path stays for the CLI's many importers.
export * from "../pricing/model-prices.js";
