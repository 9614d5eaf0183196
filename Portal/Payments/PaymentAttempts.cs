using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Payments;

/// <summary>
/// A provider's hosted page behind a payment attempt: a Stripe Checkout Session, a GoCardless billing request with
/// its flow. One per provider.
/// </summary>
public interface IHostedCheckout
{
    PaymentProvider Provider { get; }

    /// <summary>
    /// Closes the hosted page so that it can no longer be paid or signed. True when it is closed (now or before) with
    /// nothing taken; false when the client finished it and the provider's report is on its way, so the attempt must
    /// not be abandoned.
    /// </summary>
    Task<bool> CloseAsync(string checkoutId, CancellationToken cancellationToken);
}

/// <summary>
/// Attempts that never became payments: a client who cancels on a provider's hosted page, presses Back, lets it
/// expire or starts paying another way. An abandoned attempt is closed at the provider first, so finishing the old
/// page later cannot collect the invoice a second time (invariant 5), then ends as cancelled with nothing held or
/// posted; it is no payment and no list shows it.
/// </summary>
public sealed class PaymentAttempts(
    ProviderPayments payments, IEnumerable<IHostedCheckout> checkouts, IDbContextFactory<PortalDbContext> dbFactory, ILogger<PaymentAttempts> logger)
{
    /// <summary>Abandons the attempt if it is still only an attempt; true when it is abandoned (now or before).</summary>
    public async Task<bool> AbandonAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
        if (payment.Status != PaymentStatus.Initiated)
            return payment.IsAttemptOnly;
        if (payment.ProviderCheckoutId is { } checkoutId && checkouts.FirstOrDefault(c => c.Provider == payment.Provider) is { } checkout
            && !await checkout.CloseAsync(checkoutId, cancellationToken))
            return false;
        // One key per attempt: the client's return, the provider's event and a later supersession all end it once.
        await payments.AbandonAsync(paymentId, $"abandoned:{paymentId:N}", cancellationToken);
        return true;
    }

    /// <summary>
    /// As <see cref="AbandonAsync"/>, for callers that must go on whatever the provider answers (the client's way back,
    /// a new payment): a provider that cannot be reached leaves the attempt for the timeout sweep; false then.
    /// </summary>
    public async Task<bool> TryAbandonAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AbandonAsync(paymentId, cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or Stripe.StripeException or Portal.GoCardless.GoCardlessApiException or Portal.Providers.PayPal.Api.PayPalApiException or DbUpdateConcurrencyException)
        {
            logger.LogWarning("Payment attempt {PaymentId} was not abandoned now: {Error}", paymentId, error.Message);
            return false;
        }
    }

    /// <summary>
    /// A new payment on these invoices is starting: the client's earlier attempts on any of them are abandoned, so an
    /// old hosted page left open in another tab cannot collect them again.
    /// </summary>
    public async Task SupersedeAsync(Guid clientAccountId, IReadOnlyCollection<Guid> invoiceIds, Guid keep, CancellationToken cancellationToken = default)
    {
        if (invoiceIds.Count == 0)
            return;
        List<Guid> earlier;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            earlier = await db.Payments.AsNoTracking()
                .Where(p => p.ClientAccountId == clientAccountId && p.Id != keep && p.Status == PaymentStatus.Initiated && p.ProviderCheckoutId != null
                    && p.Allocations.Any(a => a.InvoiceId != null && invoiceIds.Contains(a.InvoiceId.Value)))
                .Select(p => p.Id).ToListAsync(cancellationToken);
        }
        foreach (var paymentId in earlier)
            await TryAbandonAsync(paymentId, cancellationToken);
    }
}

/// <summary>
/// Ends attempts left on a provider's page for longer than <c>Payments:AttemptTimeout</c> (a day by default): a
/// mandate page is valid for a week and nothing else would end it, so a client who simply went away leaves no
/// billing request that could still be signed and collected later. One pass over every firm; safe on several
/// instances (abandoning is idempotent per attempt).
/// </summary>
public sealed class StaleAttemptSweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StaleAttemptSweep> logger)
{
    /// <summary>Returns how many attempts were abandoned.</summary>
    public async Task<int> AbandonOlderThanAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - age;
        List<(Guid Firm, Guid Payment)> stale;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var rows = await db.Payments.IgnoreQueryFilters().AsNoTracking()
                .Where(p => p.Status == PaymentStatus.Initiated && p.ProviderCheckoutId != null)
                .Select(p => new { p.FirmId, p.Id, p.CreatedAt }).ToListAsync(cancellationToken);
            // Compared here: SQLite cannot order DateTimeOffset values in SQL.
            stale = [.. rows.Where(p => p.CreatedAt <= cutoff).Select(p => (p.FirmId, p.Id))];
        }
        var abandoned = 0;
        foreach (var (firmId, paymentId) in stale)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Portal.Tenancy.TenantContext>().ActFor(firmId);
            try
            {
                if (await scope.ServiceProvider.GetRequiredService<PaymentAttempts>().TryAbandonAsync(paymentId, cancellationToken))
                    abandoned++;
            }
            catch (DomainException refused)
            {
                // The firm's provider was disconnected meanwhile: nothing can be closed, and nothing was taken.
                logger.LogWarning("Could not abandon the stale payment attempt {PaymentId}: {Error}", paymentId, refused.Message);
            }
        }
        return abandoned;
    }
}

/// <summary>Runs <see cref="StaleAttemptSweep"/> every hour (<c>Payments:AttemptTimeout</c>; off when zero).</summary>
internal sealed class StaleAttemptSweepService(StaleAttemptSweep sweep, IConfiguration configuration, ILogger<StaleAttemptSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = configuration.GetValue("Payments:AttemptTimeout", TimeSpan.FromDays(1));
        if (timeout <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sweep.AbandonOlderThanAsync(timeout, stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "Abandoning stale payment attempts failed; it runs again at the next tick.");
            }
        }
    }
}
