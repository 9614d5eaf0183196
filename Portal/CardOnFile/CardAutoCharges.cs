using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Payments;
using Portal.Providers.Stripe;
using Portal.Tenancy;
using Stripe;
using Invoice = Portal.Domain.Invoices.Invoice;
using PaymentMethod = Portal.Domain.Payments.PaymentMethod;

namespace Portal.CardOnFile;

/// <summary>
/// Charges saved cards on due dates, on every instance, every few minutes: plans each due invoice's charge (one per
/// invoice and try, by a unique index), then makes the charges whose day has come. See <see cref="CardChargeRun"/>.
/// </summary>
public sealed class CardAutoCharges(IServiceScopeFactory scopes, ILogger<CardAutoCharges> logger)
{
    /// <summary>One pass over every firm with saved cards or charges still open; returns how many charges reached Stripe.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var withCards = await db.SavedCards.IgnoreQueryFilters().Where(c => c.RemovedAt == null).Select(c => c.FirmId).Distinct().ToListAsync(cancellationToken);
            var withCharges = await db.CardCharges.IgnoreQueryFilters()
                .Where(c => c.Status == CardChargeStatus.Planned || c.Status == CardChargeStatus.Requested).Select(c => c.FirmId).Distinct().ToListAsync(cancellationToken);
            firmIds = [.. withCards.Union(withCharges)];
        }
        var charged = 0;
        foreach (var firmId in firmIds)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
                var run = scope.ServiceProvider.GetRequiredService<CardChargeRun>();
                await run.PlanDueAsync(cancellationToken);
                charged += await run.MakeDueAsync(cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "Automatic card charges of firm {FirmId} failed; they are tried again at the next run.", firmId);
            }
        }
        return charged;
    }
}

/// <summary>
/// One firm's automatic card charges. An issued invoice that can be paid by card is charged on its due date (the
/// firm's day) to the client's saved card, unless a direct debit already collects it, something is in flight on it,
/// or it is settled. A decline is retried by <see cref="CardRetryPolicy"/>; a card that needs authentication is not,
/// and the client's "payment failed" email takes them to the portal to pay on the hosted page. One charge is in
/// flight per invoice: the next try is planned only once its predecessor was declined, and is made only while
/// nothing is pending and nobody paid meanwhile (their choice wins). Call in a scope acting for the firm.
/// </summary>
public sealed class CardChargeRun(
    IDbContextFactory<PortalDbContext> dbFactory, ProviderPayments payments, StripePaymentLookup stripe, TimeProvider clock, ILogger<CardChargeRun> logger)
{
    /// <summary>Plans the first charge of every invoice due today or before whose client has a saved card; returns how many.</summary>
    public async Task<int> PlanDueAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        if (!await AutomaticPayments.ChargesSavedCardsAsync(db, firm, cancellationToken))
            return 0;
        // Only clients who chose something may have said no; most never chose.
        var leftAlone = (await db.ClientAccounts.AsNoTracking().Where(c => c.AutomaticPayment != AutomaticPaymentChoice.Either)
                .Select(c => new { c.Id, c.AutomaticPayment }).ToListAsync(cancellationToken))
            .Where(c => !AutomaticPayments.CardMayCharge(firm, c.AutomaticPayment)).Select(c => c.Id).ToHashSet();
        var cards = (await db.SavedCards.AsNoTracking().Where(c => c.RemovedAt == null).ToListAsync(cancellationToken))
            .Where(c => !leftAlone.Contains(c.ClientAccountId))
            .GroupBy(c => c.ClientAccountId).ToDictionary(g => g.Key, g => g.MaxBy(c => c.SavedAt)!);
        if (cards.Count == 0)
            return 0;
        var now = clock.GetUtcNow();
        var today = firm.LocalToday(now);
        var clientIds = cards.Keys.ToArray();
        var due = await db.Invoices.AsNoTracking()
            .Where(i => clientIds.Contains(i.ClientAccountId) && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && i.DueDate <= today)
            .Where(i => !db.CardCharges.Any(c => c.InvoiceId == i.Id))
            // A direct debit scheduled on the invoice collects it; the card stays out of its way (unless that direct
            // debit was cancelled: by the client choosing their card, or by staff).
            .Where(i => !db.ScheduledCollections.Any(c => c.InvoiceId == i.Id && c.Automatic
                && db.Payments.Any(p => p.Id == c.PaymentId && p.Status != PaymentStatus.Cancelled)))
            .ToListAsync(cancellationToken);
        var planned = 0;
        // The client agreed to invoices being charged on their due date: those already overdue when the card was saved
        // are left for them to pay as they choose.
        foreach (var invoice in due.Where(i => i.AmountPayable.IsPositive && !i.Pending.IsPositive && i.MethodsAllowed.HasFlag(PaymentMethods.Card)
            && i.DueDate >= firm.LocalToday(cards[i.ClientAccountId].SavedAt)))
        {
            db.CardCharges.Add(new CardCharge(firm.Id, invoice.ClientAccountId, invoice.Id, cards[invoice.ClientAccountId].Id, 1, today, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                planned++;
            }
            catch (DbUpdateException)
            {
                // Another instance planned it a moment ago: theirs stands.
                db.ChangeTracker.Clear();
            }
        }
        return planned;
    }

    /// <summary>Makes this firm's charges whose day has come (and finishes any an instance claimed and did not finish); returns how many reached Stripe.</summary>
    public async Task<int> MakeDueAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var today = firm.LocalToday(clock.GetUtcNow());
        var due = await db.CardCharges
            .Where(c => (c.Status == CardChargeStatus.Planned && c.PlannedFor <= today) || c.Status == CardChargeStatus.Requested)
            .OrderBy(c => c.PlannedFor).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        var charged = 0;
        foreach (var charge in due)
        {
            try
            {
                if (await MakeAsync(db, firm, charge, cancellationToken))
                    charged++;
            }
            catch (DbUpdateConcurrencyException conflict)
            {
                // Another instance claimed or closed this charge first: it is theirs.
                foreach (var entry in conflict.Entries)
                    entry.State = EntityState.Detached;
            }
        }
        return charged;
    }

    private async Task<bool> MakeAsync(PortalDbContext db, Firm firm, CardCharge charge, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == charge.InvoiceId, cancellationToken);
        var card = await db.SavedCards.AsNoTracking().SingleAsync(c => c.Id == charge.SavedCardId, cancellationToken);
        if (charge.Status == CardChargeStatus.Planned)
        {
            if (await ReasonNotToMakeAsync(db, firm, charge, invoice, card, cancellationToken) is { } reason)
            {
                charge.Cancel(reason, now);
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Card charge {Attempt} of invoice {InvoiceId} not made: {Reason}", charge.Attempt, charge.InvoiceId, reason);
                return false;
            }
            // Claimed before anything is sent: a second instance's claim fails, and a crash after this save leaves a
            // claimed charge that the next pass makes under the same keys.
            charge.Claim();
            await db.SaveChangesAsync(cancellationToken);
        }

        var existing = charge.PaymentId is { } madeId ? await db.Payments.AsNoTracking().SingleAsync(p => p.Id == madeId, cancellationToken) : null;
        if (existing is { Status: PaymentStatus.Succeeded or PaymentStatus.Settled })
        {
            // Stripe's webhook booked what an earlier pass did not: the charge is done.
            charge.Paid(now);
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
        var amount = existing?.Amount ?? invoice.AmountPayable;
        Guid paymentId;
        try
        {
            var initiated = await payments.InitiateAsync(new ProviderPaymentRequest(
                charge.ClientAccountId, PaymentMethod.Card, PaymentProvider.Stripe, [new InvoiceAmount(invoice.Id, amount)], null, charge.RequestKey), cancellationToken);
            paymentId = initiated.Id ?? throw new InvalidOperationException("The payment was not created.");
        }
        catch (DomainException refused)
        {
            logger.LogWarning("Card charge {Attempt} of invoice {InvoiceId} was refused: {Reason}", charge.Attempt, charge.InvoiceId, refused.Message);
            charge.Cancel(CardChargeCancellation.ChargeRefused, now);
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
        charge.Made(paymentId);
        await db.SaveChangesAsync(cancellationToken);

        var outcome = await ChargeAtStripeAsync(paymentId, amount, card, invoice, cancellationToken);
        if (outcome is null)
            return false;
        if (outcome.Paid)
        {
            charge.Paid(now);
        }
        else
        {
            // Planned from the moment the decline was booked: what the client pays after it steps the retry aside.
            var declinedAt = clock.GetUtcNow();
            charge.Declined(outcome.DeclineCode, declinedAt);
            var decision = CardRetryPolicy.After(charge.Attempt, outcome.DeclineCode, firm.LocalToday(declinedAt));
            if (decision is { Retries: true, On: { } day })
                db.CardCharges.Add(new CardCharge(firm.Id, charge.ClientAccountId, charge.InvoiceId, card.Id, charge.Attempt + 1, day, declinedAt));
            logger.LogInformation("Card charge {Attempt} of invoice {InvoiceId} declined ({Code}): {Verdict} {RetryOn}",
                charge.Attempt, charge.InvoiceId, outcome.DeclineCode, decision.Verdict, decision.On);
        }
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private sealed record ChargeOutcome(bool Paid, string? DeclineCode);

    /// <summary>
    /// Charges the card off-session under a key of the payment, so a repeat (after a crash, on another instance) gets
    /// Stripe's first answer again, and books what Stripe answered; the webhooks that follow find it done. Null when
    /// Stripe could not be reached: the charge stays claimed and the next pass asks again.
    /// </summary>
    private async Task<ChargeOutcome?> ChargeAtStripeAsync(Guid paymentId, Money amount, SavedCard card, Invoice invoice, CancellationToken cancellationToken)
    {
        var client = await stripe.ClientAsync(cancellationToken);
        PaymentIntent intent;
        try
        {
            intent = await client.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = StripeAmounts.ToStripeAmount(amount),
                Currency = StripeAmounts.ToStripeCurrency(amount.Currency),
                Customer = card.CustomerId,
                PaymentMethod = card.PaymentMethodId,
                OffSession = true,
                Confirm = true,
                Description = $"Invoice {invoice.Number}",
                Metadata = new Dictionary<string, string> { [StripePaymentLookup.PaymentIdKey] = paymentId.ToString() },
            }, new RequestOptions { IdempotencyKey = $"off-session:{paymentId:N}" }, cancellationToken);
        }
        catch (StripeException declined) when (declined.StripeError?.Type == "card_error")
        {
            var code = declined.StripeError.DeclineCode ?? declined.StripeError.Code;
            if (declined.StripeError.PaymentIntent?.Id is { } intentId)
                await payments.LinkProviderPaymentAsync(paymentId, intentId, cancellationToken);
            await payments.MarkDeclinedWithoutClientAsync(paymentId, declined.StripeError.Message ?? "The card was declined.", $"card-auto:{paymentId:N}:declined", cancellationToken);
            return new ChargeOutcome(false, code);
        }
        catch (Exception error) when (error is StripeException or HttpRequestException)
        {
            logger.LogWarning("Card charge of payment {PaymentId} could not reach Stripe; the next run asks again: {Error}", paymentId, error.Message);
            return null;
        }
        await payments.LinkProviderPaymentAsync(paymentId, intent.Id, cancellationToken);
        if (intent.Status == "requires_action")
        {
            // The bank wants the holder to confirm: only they can, on the hosted page the failure notice sends them to.
            await MarkNeedsAuthenticationAsync(payments, paymentId, cancellationToken);
            return new ChargeOutcome(false, NeedsAuthenticationCode);
        }
        if (intent.Status != "succeeded")
        {
            // Off-session card charges are decided at once; anything else is left for Stripe's webhooks to settle.
            logger.LogWarning("Off-session charge {PaymentIntentId} is {Status}; its webhooks settle it.", intent.Id, intent.Status);
            return null;
        }
        await payments.MarkSucceededAsync(paymentId, await stripe.FeeAsync(intent.Id, cancellationToken), $"card-auto:{paymentId:N}:succeeded",
            new ProviderIds(null, intent.Id), cancellationToken);
        return new ChargeOutcome(true, null);
    }

    private const string NeedsAuthenticationCode = "authentication_required";

    /// <summary>Books an off-session charge the bank wants its holder to confirm as declined, once (the same key from every path).</summary>
    private static Task MarkNeedsAuthenticationAsync(ProviderPayments payments, Guid paymentId, CancellationToken cancellationToken) =>
        payments.MarkDeclinedWithoutClientAsync(paymentId, "The card needs its holder's authentication.", $"card-auto:{paymentId:N}:needs-authentication", cancellationToken);

    /// <summary>
    /// Stripe says (payment_intent.requires_action) that an automatic charge needs its holder to confirm it: the
    /// payment is declined and the charge closed without a retry, as when Stripe's answer said so at once. False when
    /// the payment is not an automatic charge.
    /// </summary>
    public async Task<bool> NeedsAuthenticationAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var charge = await db.CardCharges.SingleOrDefaultAsync(c => c.PaymentId == paymentId, cancellationToken);
        if (charge is null)
            return false;
        // Stripe's own answer to the charge may have booked the decline already (the webhook comes after it).
        if (await db.Payments.AnyAsync(p => p.Id == paymentId && p.Status == PaymentStatus.Initiated, cancellationToken))
            await MarkNeedsAuthenticationAsync(payments, paymentId, cancellationToken);
        if (charge.Status == CardChargeStatus.Requested)
        {
            charge.Declined(NeedsAuthenticationCode, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The pass that made the charge closed it meanwhile, from Stripe's own answer.
            }
        }
        return true;
    }

    private static async Task<CardChargeCancellation?> ReasonNotToMakeAsync(
        PortalDbContext db, Firm firm, CardCharge charge, Invoice invoice, SavedCard card, CancellationToken cancellationToken)
    {
        if (!await AutomaticPayments.ChargesSavedCardsAsync(db, firm, cancellationToken) || !invoice.MethodsAllowed.HasFlag(PaymentMethods.Card))
            return CardChargeCancellation.CardPaymentOff;
        var choice = await db.ClientAccounts.Where(c => c.Id == charge.ClientAccountId).Select(c => c.AutomaticPayment).SingleAsync(cancellationToken);
        if (!AutomaticPayments.CardMayCharge(firm, choice))
            return CardChargeCancellation.ClientTurnedOff;
        if (!invoice.AcceptsPayment || !invoice.AmountPayable.IsPositive)
            return CardChargeCancellation.NothingLeftToCollect;
        // Any payment on the invoice since the charge was planned (by card on the portal, by transfer, a direct debit,
        // even one still in flight) is the client's or staff's choice: the charge steps aside. Attempts left
        // unfinished on a hosted page took nothing and do not count, nor do the automatic charges themselves.
        var since = await db.Payments.AsNoTracking()
            .Where(p => p.ClientAccountId == charge.ClientAccountId && p.CreatedAt > charge.PlannedAt && p.Allocations.Any(a => a.InvoiceId == charge.InvoiceId))
            .Where(p => !db.CardCharges.Any(c => c.PaymentId == p.Id))
            .ToListAsync(cancellationToken);
        if (invoice.Pending.IsPositive || since.Any(p => !p.IsAttemptOnly))
            return CardChargeCancellation.PaidAnotherWay;
        if (!card.IsActive)
            return CardChargeCancellation.CardRemoved;
        return null;
    }

}

/// <summary>Runs <see cref="CardAutoCharges"/> every few minutes (<c>CardOnFile:ChargeEvery</c>; off when zero).</summary>
internal sealed class CardAutoChargeService(CardAutoCharges charges, IConfiguration configuration, ILogger<CardAutoChargeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("CardOnFile:ChargeEvery", TimeSpan.FromMinutes(5));
        if (every <= TimeSpan.Zero)
            return;
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await charges.RunAsync(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(error, "Automatic card charges failed; they run again at the next tick.");
            }
        }
    }
}

public static class CardOnFileSetup
{
    public static IServiceCollection AddCardOnFile(this IServiceCollection services) => services
        .AddScoped<SavedCards>()
        .AddScoped<AutomaticPayments>()
        .AddScoped<CardChargeRun>()
        .AddSingleton<CardAutoCharges>()
        .AddHostedService<CardAutoChargeService>();
}
