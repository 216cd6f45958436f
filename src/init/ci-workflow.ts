/** `.github/workflows/promptops.yml`, written by `promptops init --ci github`. */
export const GITHUB_WORKFLOW_PATH = ".github/workflows/promptops.yml";

export const GITHUB_WORKFLOW = `# Validates prompts, checks the lockfile, and runs the regression suites of the prompts a pull
# request changed. Add OPENAI_API_KEY / ANTHROPIC_API_KEY as repository secrets to test real models.
name: promptops
on:
  pull_request:
  push:
    branches: [main]

jobs:
  prompts:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0          # versions are tags and --since needs the base branch
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          # setup-node's npm cache needs a package-lock.json, and fails the job without one.
          cache: \${{ hashFiles('package-lock.json') != '' && 'npm' || '' }}
      - name: Install promptops
        # npm ci needs a package-lock.json; a project without one (or without a package.json) still runs.
        run: |
          if [ -f package-lock.json ]; then npm ci
          elif [ -f package.json ]; then npm install --no-audit --no-fund
          else npm install --no-save --no-audit --no-fund promptops
          fi
      - run: npx promptops validate --format github
      - run: npx promptops lock --check
      - name: Regression tests
        run: >-
          npx promptops test
          \${{ github.event_name == 'pull_request' && format('--since origin/{0}', github.base_ref) || '' }}
          --reporter github --reporter junit --output-dir promptops-reports
        env:
          OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
          ANTHROPIC_API_KEY: \${{ secrets.ANTHROPIC_API_KEY }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: promptops-reports
          path: promptops-reports/
`;
