#!/usr/bin/env bash
# Runs every Portal test: domain, sandbox conformance, integration on PostgreSQL (and once more on SQLite),
# and browser journeys in Chromium. Installs PostgreSQL, Chromium and Redis with apt when they are missing
# (the live-update tests start their own redis-server for two app instances).
set -euo pipefail
cd "$(dirname "$0")"

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
dotnet tool restore >/dev/null

# A throwaway PostgreSQL cluster for this run, stopped on exit.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdir=$(mktemp -d)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pgdir"
as_pg "$pgbin/initdb" -D "$pgdir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# The port is drawn below the kernel's ephemeral range (32768+), where an outgoing connection may hold
# any port at any moment; if it is taken all the same, the next draw is tried.
started=false
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 12000))
  if as_pg "$pgbin/pg_ctl" -D "$pgdir" -l "$pgdir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c max_connections=300" -w start >/dev/null; then
    started=true; break
  fi
done
if [ "$started" != true ]; then tail -n 20 "$pgdir/server.log"; exit 1; fi
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir" -m immediate -w stop >/dev/null 2>&1 || true' EXIT
export PORTAL_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"

log=$(mktemp)
status=0
dotnet build Portal.Tests -c Release -v q -nologo | tail -n 3
PORTAL_TEST_DB=Postgres dotnet test Portal.Tests -c Release --no-build 2>&1 | tee -a "$log" || status=1
# The integration suite once more on the embedded database, beside the date runs below (neither uses a browser,
# and each waits on its database more than on the processor); its output is printed when it ends. The 50,000-row
# import is PostgreSQL's scale test, run above; the embedded database imports through the same code in the others.
# Killing one app process while another finishes its emails, reminders and recurring invoices is PostgreSQL's too
# (several instances share one PostgreSQL; the embedded database serves one); the other email, reminder and recurring
# tests claim the same rows here.
sqlite_log=$(mktemp)
PORTAL_TEST_DB=Sqlite dotnet test Portal.Tests -c Release --no-build \
  --filter "(FullyQualifiedName~Portal.Tests.Invoices|FullyQualifiedName~Portal.Tests.Clients|FullyQualifiedName~Portal.Tests.Payments|FullyQualifiedName~Portal.Tests.Wallets|FullyQualifiedName~Portal.Tests.Ledger|FullyQualifiedName~Portal.Tests.Tenancy|FullyQualifiedName~Portal.Tests.Firms|FullyQualifiedName~Portal.Tests.Account|FullyQualifiedName~Portal.Tests.Health|FullyQualifiedName~Portal.Tests.Live.LiveHubTests|FullyQualifiedName~Portal.Tests.Webhooks|FullyQualifiedName~Portal.Tests.Stripe|FullyQualifiedName~Portal.Tests.Integrations|FullyQualifiedName~Portal.Tests.DirectDebit|FullyQualifiedName~Portal.Tests.CardOnFile|FullyQualifiedName~Portal.Tests.Security|FullyQualifiedName~Portal.Tests.Operations|FullyQualifiedName~Portal.Tests.PayLinks|FullyQualifiedName~Portal.Tests.Books|FullyQualifiedName~Portal.Tests.Documents|FullyQualifiedName~Portal.Tests.Email|FullyQualifiedName~Portal.Tests.Notifications|FullyQualifiedName~Portal.Tests.Reminders|FullyQualifiedName~Portal.Tests.Collections|FullyQualifiedName~Portal.Tests.Dashboard|FullyQualifiedName~Portal.Tests.Recurring|FullyQualifiedName~Portal.Tests.Api|FullyQualifiedName~Portal.Tests.OutgoingWebhooks|FullyQualifiedName~Portal.Tests.Exports|FullyQualifiedName~Portal.Tests.Statements|FullyQualifiedName~Portal.Tests.EInvoicing.Platform|FullyQualifiedName~Portal.Tests.Providers|FullyQualifiedName~Portal.Tests.Payouts|FullyQualifiedName~Portal.Tests.Deposits|FullyQualifiedName~Portal.Tests.Imports)&FullyQualifiedName!~Portal.Tests.Imports.ClientImportScaleTests&FullyQualifiedName!~ProcessKillTests" > "$sqlite_log" 2>&1 &
sqlite_pid=$!

# The date-sensitive suites once more on hard days, each as "today" (PORTAL_TEST_TODAY): a leap day; the last Sundays
# of March and October (Europe's clock changes, the first just before 01:00 UTC);
# New Year's Eve on a Friday, whose +30 days is a Sunday in the next year, at 23:30 UTC: already New Year's Day in
# the firms' Paris, so a date counted in UTC where the firm's day was meant shows. Taken from the coming years, so they stay
# ahead of the real date. Reminders are in through their day rules (the domain's) and the firm's local day; the
# end-to-end sweep, a minute long, runs on the real date only.
year=$(date -u +%Y)
next=$((year + 1))
leap=$next; until [ $((leap % 4)) -eq 0 ] && { [ $((leap % 100)) -ne 0 ] || [ $((leap % 400)) -eq 0 ]; }; do leap=$((leap + 1)); done
friday_eve=$next; until [ "$(date -u -d "$friday_eve-12-31" +%w)" -eq 5 ]; do friday_eve=$((friday_eve + 1)); done
last_sunday() { local d; d=$(date -u -d "$1 -$(date -u -d "$1" +%w) days" +%F); echo "$d"; }
dates=("$leap-02-29" "$(last_sunday "$next-03-31")T00:30:00Z" "$(last_sunday "$next-10-31")" "$friday_eve-12-31T23:30:00Z")
# The GoCardless client's HTTP retries, listing and connection checks, and the card, PayPal and e-invoicing platform
# emulators, work in minutes and seconds, not days: they run on the real date only. So do the process-kill tests,
# whose app processes run on the real clock.
date_sensitive="(FullyQualifiedName~Portal.Tests.Invoices|FullyQualifiedName~Portal.Tests.DirectDebit|FullyQualifiedName~Portal.Tests.CardOnFile|FullyQualifiedName~Portal.Tests.GoCardless|FullyQualifiedName~Portal.Tests.Sandbox.GoCardless|FullyQualifiedName~Portal.Tests.Ledger|FullyQualifiedName~Portal.Tests.Recurring|FullyQualifiedName~Portal.Tests.Domain.Recurring|FullyQualifiedName~Portal.Tests.Domain.Reminders|FullyQualifiedName~Portal.Tests.Reminders.ReminderLocalDayTests|FullyQualifiedName~Portal.Tests.Collections|FullyQualifiedName~Portal.Tests.Dashboard)&FullyQualifiedName!~Portal.Tests.GoCardless.GoCardlessRetryTests&FullyQualifiedName!~Portal.Tests.GoCardless.GoCardlessListTests&FullyQualifiedName!~Portal.Tests.GoCardless.GoCardlessConnectionTests&FullyQualifiedName!~ProcessKillTests"
for today in "${dates[@]}"; do
  echo "== date-sensitive suites with today = $today"
  PORTAL_TEST_TODAY="$today" PORTAL_TEST_DB=Postgres dotnet test Portal.Tests -c Release --no-build \
    --filter "$date_sensitive" 2>&1 | tee -a "$log" || status=1
done

sqlite_status=0; wait "$sqlite_pid" || sqlite_status=$?
echo "== the integration suite on SQLite"
cat "$sqlite_log" | tee -a "$log"
[ "$sqlite_status" -eq 0 ] || status=1

passed=$(grep -oE "Passed: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE "Failed: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE "Skipped: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
