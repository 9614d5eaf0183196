using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Tenancy;

namespace Portal.DirectDebit;

/// <summary>
/// For firms that collect automatically, schedules each issued invoice's direct debit on its due date as soon as the
/// client has a usable mandate in the invoice's currency. Safe on several instances at once: the payment is keyed by the
/// invoice ("auto:{invoice}") and GoCardless's call by the payment, so two runners racing create one collection.
/// An invoice is auto-collected once; after a failure or a cancellation staff or the client decide what next.
/// </summary>
public sealed class DirectDebitAutoCollection(IServiceScopeFactory scopes, ILogger<DirectDebitAutoCollection> logger)
{
    public static string RequestKey(Guid invoiceId) => $"auto:{invoiceId:N}";

    /// <summary>One pass over every firm; returns how many collections were scheduled.</summary>
    public async Task<int> ScheduleDueAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var connected = await db.ProviderConnections.IgnoreQueryFilters().Where(c => c.Provider == PaymentProvider.GoCardless).Select(c => c.FirmId).ToListAsync(cancellationToken);
            var firms = await db.Firms.IgnoreQueryFilters().Where(f => connected.Contains(f.Id)).ToListAsync(cancellationToken);
            firmIds = [.. firms.Where(f => f.Policy.AutoCollectDirectDebitOnDueDate && f.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit)).Select(f => f.Id)];
        }
        var scheduled = 0;
        foreach (var firmId in firmIds)
            scheduled += await ScheduleForFirmAsync(firmId, cancellationToken);
        return scheduled;
    }

    /// <summary>One pass over every firm with failed collections to retry; returns how many retries were sent.</summary>
    public async Task<int> RetryDueAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            firmIds = await db.DirectDebitRetries.IgnoreQueryFilters()
                .Where(r => r.Status == DirectDebitRetryStatus.Planned || (r.Status == DirectDebitRetryStatus.Requested && r.RetryPaymentId == null))
                .Select(r => r.FirmId).Distinct().ToListAsync(cancellationToken);
        }
        var sent = 0;
        foreach (var firmId in firmIds)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
            sent += await scope.ServiceProvider.GetRequiredService<DirectDebitRetries>().MakeDueAsync(cancellationToken);
        }
        return sent;
    }

    private async Task<int> ScheduleForFirmAsync(Guid firmId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var mandates = await db.DirectDebitMandates.AsNoTracking().ToListAsync(cancellationToken);
        var usable = mandates.Where(m => m.IsUsable).Select(m => (m.ClientAccountId, m.Currency)).ToHashSet();
        if (usable.Count == 0)
            return 0;
        // Clients who turned automatic payment off, or chose their card, are left alone.
        var leftAlone = await CardOnFile.AutomaticPayments.ClientsDirectDebitLeavesAsync(db, await db.Firms.AsNoTracking().SingleAsync(cancellationToken), cancellationToken);
        usable.RemoveWhere(u => leftAlone.Contains(u.ClientAccountId));
        if (usable.Count == 0)
            return 0;
        var alreadyAutomatic = await db.ScheduledCollections.Where(c => c.Automatic && c.InvoiceId != null).Select(c => c.InvoiceId!.Value).ToListAsync(cancellationToken);
        var open = await db.Invoices.AsNoTracking().Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid).ToListAsync(cancellationToken);
        var due = open.Where(i => !alreadyAutomatic.Contains(i.Id) && i.AmountPayable.IsPositive && i.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit)
            && usable.Contains((i.ClientAccountId, i.Currency))).ToList();
        var directDebits = scope.ServiceProvider.GetRequiredService<DirectDebitPayments>();
        var scheduled = 0;
        foreach (var invoice in due)
        {
            try
            {
                await directDebits.ScheduleAutomaticAsync(invoice.ClientAccountId, invoice.Id, invoice.AmountPayable, cancellationToken: cancellationToken);
                scheduled++;
            }
            catch (DomainException refused)
            {
                logger.LogWarning("Could not schedule the direct debit of invoice {InvoiceId}: {Reason}", invoice.Id, refused.Message);
            }
        }
        return scheduled;
    }
}

/// <summary>Runs <see cref="DirectDebitAutoCollection"/> (due dates, then retries) every few minutes (<c>DirectDebit:AutoCollectEvery</c>; off when zero).</summary>
internal sealed class DirectDebitAutoCollectionService(DirectDebitAutoCollection collection, IConfiguration configuration, ILogger<DirectDebitAutoCollectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("DirectDebit:AutoCollectEvery", TimeSpan.FromMinutes(5));
        if (every <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await collection.ScheduleDueAsync(stoppingToken);
                await collection.RetryDueAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "Direct-debit auto-collection failed; it runs again at the next tick.");
            }
        }
    }
}
