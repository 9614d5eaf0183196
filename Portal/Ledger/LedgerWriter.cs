using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Audit;
using Portal.Books;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Ledger;

/// <summary>What a money operation produced (usually a payment id), and whether it was a replay of an earlier request.</summary>
public sealed record MoneyResult(Guid? Id, bool Replayed);

/// <summary>
/// An idempotency key came back with a different request. Safe to show: it names neither tenant nor data.
/// </summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"The request key '{key}' was already used for a different request; nothing was changed. Start a new request.");

/// <summary>A money operation to run exactly once: its name, the caller's idempotency key and a fingerprint of what was asked.</summary>
public sealed record MoneyOperation(string Name, string IdempotencyKey, string Fingerprint);

/// <summary>
/// Runs one money operation in one database transaction: the ledger postings, the balances they explain
/// (wallet, invoice paid and pending amounts, payment status), the idempotency record and the audit entry are
/// saved together (<see cref="BatchedSave"/>, one round trip on PostgreSQL), or not at all.
/// Guards, in order: the client's row is locked first (<see cref="MoneyWork.ClientAsync"/>), so two
/// operations on one client's money queue instead of both passing a balance check; the version tokens on
/// wallet, invoice and payment refuse any write based on a stale read; the unique (firm, key) index refuses a
/// second run of the same request. Any of those conflicts rolls back and looks the key up: a replay answers
/// with the first result, anything else runs the operation again on fresh data.
/// </summary>
public sealed class LedgerWriter(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, CurrentActor actor)
{
    private const int MaxAttempts = 8;

    public async Task<MoneyResult> RunAsync(MoneyOperation operation, Func<MoneyWork, Task<Guid?>> run, CancellationToken cancellationToken = default)
    {
        var key = LedgerTransaction.EnsureKey(operation.IdempotencyKey);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var firmId = db.Tenant.FirmId ?? throw new DomainException("Sign in to a firm to move money.");
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var now = clock.GetUtcNow();
                var work = new MoneyWork(db, firmId, key, now, actor.Current);
                var resultId = await run(work);
                work.Insert(new IdempotentRequest(firmId, key, operation.Name, operation.Fingerprint, resultId, now));
                await PeriodGuard.EnsureOpenAsync(db, work.NewRows.OfType<LedgerTransaction>(), cancellationToken);
                await BatchedSave.SaveAsync(db, work.NewRows, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new MoneyResult(resultId, Replayed: false);
            }
            catch (Exception failure) when (failure is DomainException or NotFoundException || IsConflict(failure))
            {
                // The key is looked up only when something went wrong, which spares a round trip on every
                // operation: a replay either fails on the unique key or on state the first run changed.
                await transaction.RollbackAsync(CancellationToken.None);
                var earlier = await db.IdempotentRequests.AsNoTracking()
                    .Where(r => r.Key == key).Select(r => new { r.Fingerprint, r.ResultId }).SingleOrDefaultAsync(cancellationToken);
                if (earlier is not null)
                    return earlier.Fingerprint == operation.Fingerprint ? new MoneyResult(earlier.ResultId, Replayed: true) : throw new IdempotencyKeyReusedException(key);
                if (failure is DomainException or NotFoundException || attempt >= MaxAttempts)
                    throw;
                // Someone else changed the same rows first: start again on what they left.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
        }
    }

    private static bool IsConflict(Exception exception) => exception switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } } => true,
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } } => true,
        PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } => true,
        _ => false,
    };
}

/// <summary>The database, tenant and clock one run of a money operation works with, and the loads every operation needs.</summary>
public sealed class MoneyWork(PortalDbContext db, Guid firmId, string idempotencyKey, DateTimeOffset now, AuditActor actor)
{
    private readonly List<object> _newRows = [];

    public PortalDbContext Db => db;
    public Guid FirmId => firmId;
    public string IdempotencyKey => idempotencyKey;
    public DateTimeOffset Now => now;
    public AuditActor Actor => actor;

    /// <summary>
    /// Loads the client and locks its row until the transaction ends, so operations on its money run one after
    /// the other: on PostgreSQL with SELECT … FOR UPDATE (one round trip, <see cref="RowLocks"/>); on SQLite the transaction already
    /// holds the database's single write lock, taken here at the latest. Call before reading balances.
    /// Another tenant's client, or another client for a contact, is not found.
    /// </summary>
    public async Task<ClientAccount> ClientAsync(Guid clientAccountId)
    {
        if (db.Database.IsNpgsql())
            return await LockedClient(db, clientAccountId) ?? throw new NotFoundException("client");
        var locked = await db.ClientAccounts.Where(c => c.Id == clientAccountId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, c => c.Name));
        return locked == 0 ? throw new NotFoundException("client") : await db.ClientAccounts.SingleAsync(c => c.Id == clientAccountId);
    }

    /// <summary>
    /// The client an invoice belongs to, loaded and locked as <see cref="ClientAsync"/> does (in one round trip on
    /// PostgreSQL). Not found outside the tenant, or outside the contact's own account.
    /// </summary>
    public async Task<ClientAccount> ClientOfInvoiceAsync(Guid invoiceId)
    {
        if (db.Database.IsNpgsql())
            return await LockedClientOfInvoice(db, invoiceId) ?? throw new NotFoundException("invoice");
        var clientId = await db.Invoices.Where(i => i.Id == invoiceId).Select(i => (Guid?)i.ClientAccountId).SingleOrDefaultAsync()
            ?? throw new NotFoundException("invoice");
        return await ClientAsync(clientId);
    }

    public Task<Firm> FirmAsync() => db.Firms.SingleAsync();

    private BusinessCalendar? _calendar;

    /// <summary>The firm's calendar (its time zone): the day a payment, a bounce or a credit note is dated. Read once per run.</summary>
    public async Task<BusinessCalendar> CalendarAsync() =>
        _calendar ??= await Portal.Firms.FirmCalendar.OfAsync(db);

    /// <summary>The client's invoices that can still take money in that currency.</summary>
    public async Task<List<Invoice>> OpenInvoicesAsync(Guid clientAccountId, Currency currency) => await OpenInvoices(db, clientAccountId, currency).ToListAsync();

    /// <summary>The client's wallet in that currency, opened (empty) on first use.</summary>
    public async Task<Wallet> WalletAsync(ClientAccount client, Currency currency)
    {
        var wallet = await WalletOf(db, client.Id, currency);
        if (wallet is null)
        {
            wallet = new Wallet(client, currency);
            db.Wallets.Add(wallet);
        }
        return wallet;
    }

    /// <summary>Invoices of one client by id; a missing id is not found, another client's invoice is refused.</summary>
    public async Task<IReadOnlyList<Invoice>> InvoicesOfAsync(Guid clientAccountId, IReadOnlyCollection<Guid> invoiceIds)
    {
        if (invoiceIds.Count == 0)
            return [];
        var invoices = await InvoicesById(db, [.. invoiceIds]).ToListAsync();
        if (invoices.Count != invoiceIds.Distinct().Count())
            throw new NotFoundException("invoice");
        if (invoices.FirstOrDefault(i => i.ClientAccountId != clientAccountId) is { } foreign)
            throw new DomainException($"{foreign.Number ?? "This invoice"} is not an invoice of this client.");
        return invoices;
    }

    /// <summary>The payment with its allocations, after locking its client; the invoices it is allocated to and the client's wallet come with it.</summary>
    public async Task<LoadedPayment> PaymentAsync(Guid paymentId)
    {
        var clientId = await db.Payments.Where(p => p.Id == paymentId).Select(p => (Guid?)p.ClientAccountId).SingleOrDefaultAsync()
            ?? throw new NotFoundException("payment");
        var client = await ClientAsync(clientId);
        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId);
        var invoiceIds = payment.Allocations.Where(a => a.InvoiceId is not null).Select(a => a.InvoiceId!.Value).ToArray();
        var invoices = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).ToListAsync();
        return new LoadedPayment(payment, invoices, await WalletAsync(client, payment.Currency));
    }

    // The queries every money operation runs, compiled once: EF would otherwise look each one up in its query
    // cache by comparing expression trees, on every run. Tenant filters still apply.
    private static readonly Func<PortalDbContext, Guid, Task<ClientAccount?>> LockedClient = EF.CompileAsyncQuery((PortalDbContext db, Guid id) =>
        db.ClientAccounts.TagWith(RowLocks.ForUpdate).FirstOrDefault(c => c.Id == id));

    private static readonly Func<PortalDbContext, Guid, Task<ClientAccount?>> LockedClientOfInvoice = EF.CompileAsyncQuery((PortalDbContext db, Guid invoiceId) =>
        db.ClientAccounts.TagWith(RowLocks.ForUpdate).FirstOrDefault(c => c.Id == db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.ClientAccountId).FirstOrDefault()));

    private static readonly Func<PortalDbContext, Guid, Currency, IAsyncEnumerable<Invoice>> OpenInvoices = EF.CompileAsyncQuery(
        (PortalDbContext db, Guid clientAccountId, Currency currency) => db.Invoices.Where(i => i.ClientAccountId == clientAccountId && i.Currency == currency
            && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid)));

    private static readonly Func<PortalDbContext, Guid[], IAsyncEnumerable<Invoice>> InvoicesById = EF.CompileAsyncQuery(
        (PortalDbContext db, Guid[] ids) => db.Invoices.Where(i => ids.Contains(i.Id)));

    private static readonly Func<PortalDbContext, Guid, Currency, Task<Wallet?>> WalletOf = EF.CompileAsyncQuery(
        (PortalDbContext db, Guid clientAccountId, Currency currency) => db.Wallets.SingleOrDefault(w => w.ClientAccountId == clientAccountId && w.Currency == currency));

    /// <summary>
    /// A new row to insert when the operation saves, with the rows it holds (a payment's allocations, a
    /// transaction's postings). It is not tracked, so it is written as it is at the end of the operation; use
    /// <c>Db</c> to add rows that must be found again by the context before then.
    /// </summary>
    public void Insert(object row) => _newRows.Add(row);

    internal IReadOnlyList<object> NewRows => _newRows;

    /// <summary>Adds the ledger transaction (if the operation produced one) to this unit of work.</summary>
    public void Post(LedgerTransaction? transaction)
    {
        if (transaction is not null)
            Insert(transaction);
    }

    /// <summary>Records what a person did, in the same transaction. Provider events and jobs are not audited here: the ledger says where they came from.</summary>
    public void Audit(string action, string subjectType, Guid subjectId, string? before, string? after)
    {
        if (actor.UserId is not null)
            Insert(new AuditEntry(firmId, actor, action, subjectType, subjectId, before, after, now));
    }
}

/// <summary>A payment loaded for a change, with what the change may touch.</summary>
public sealed record LoadedPayment(Payment Payment, IReadOnlyList<Invoice> Invoices, Wallet Wallet);
