#!/usr/bin/env bash
# Adds a migration named $1 for both database providers (SQLite and PostgreSQL).
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh MigrationName}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project Portal --context "${provider}PortalDbContext" \
    --output-dir "Data/Migrations/$provider"
done
