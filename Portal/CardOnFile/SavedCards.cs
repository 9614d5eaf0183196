using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Providers.Stripe;
using Stripe;

namespace Portal.CardOnFile;

/// <summary>
/// The cards clients save for automatic payment. A card is saved while the client pays by card with "save this card"
/// ticked (Stripe Checkout with <c>setup_future_usage=off_session</c> on the client's Stripe customer), and recorded
/// when Stripe reports that payment complete; the client sees it on their dashboard and can remove it at any time,
/// which detaches it at Stripe and cancels the charges planned on it. Call in a scope acting for the firm.
/// </summary>
public sealed class SavedCards(IDbContextFactory<PortalDbContext> dbFactory, StripePaymentLookup stripe, AuditRecorder audit, TimeProvider clock, ILogger<SavedCards> logger)
{
    public const string SaveCardKey = "portal_save_card";
    private const string ClientIdKey = "portal_client_id";

    /// <summary>Refuses to save a card for automatic payment where the firm has turned automatic card payment off.</summary>
    public async Task EnsureFirmChargesSavedCardsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        if (!firm.Policy.ChargeSavedCardsOnDueDate)
            throw new DomainException("This firm does not charge saved cards automatically.");
    }

    /// <summary>The client's card that pays automatically, if any.</summary>
    public async Task<SavedCard?> ActiveAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SavedCards.AsNoTracking().Where(c => c.ClientAccountId == clientAccountId && c.RemovedAt == null)
            .OrderByDescending(c => c.SavedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The client's Stripe customer, to save a card on: the one an earlier card was saved on, or a new one (keyed by the
    /// client, so two tabs starting a payment at once make one).
    /// </summary>
    public async Task<string> CustomerForAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var earlier = await db.SavedCards.AsNoTracking().Where(c => c.ClientAccountId == clientAccountId)
            .OrderByDescending(c => c.SavedAt).Select(c => c.CustomerId).FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
            return earlier;
        var client = await db.ClientAccounts.AsNoTracking().SingleAsync(c => c.Id == clientAccountId, cancellationToken);
        var stripeClient = await stripe.ClientAsync(cancellationToken);
        var customer = await stripeClient.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Name = client.Name,
            Email = string.IsNullOrWhiteSpace(client.BillingEmail) ? null : client.BillingEmail,
            Metadata = new Dictionary<string, string> { [ClientIdKey] = clientAccountId.ToString() },
        }, new RequestOptions { IdempotencyKey = $"customer:{clientAccountId:N}" }, cancellationToken);
        return customer.Id;
    }

    /// <summary>
    /// Records the card a completed checkout saved (its PaymentIntent's payment method, now attached to the customer)
    /// as the client's card for automatic payment, replacing an earlier one. Safe to repeat: a card is recorded once.
    /// </summary>
    public async Task SaveFromCheckoutAsync(Guid paymentId, string customerId, string paymentIntentId, CancellationToken cancellationToken = default)
    {
        var stripeClient = await stripe.ClientAsync(cancellationToken);
        var intent = await stripeClient.V1.PaymentIntents.GetAsync(paymentIntentId, new PaymentIntentGetOptions { Expand = ["payment_method"] }, cancellationToken: cancellationToken);
        if (intent.PaymentMethod is not { Card: { } card } method || intent.Status != "succeeded")
        {
            logger.LogWarning("Checkout {PaymentIntentId} completed without a card to save.", paymentIntentId);
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.SavedCards.AnyAsync(c => c.PaymentMethodId == method.Id, cancellationToken))
            return;
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var older in await db.SavedCards.Where(c => c.ClientAccountId == payment.ClientAccountId && c.RemovedAt == null).ToListAsync(cancellationToken))
            older.Remove(now);
        db.SavedCards.Add(new SavedCard(payment.FirmId, payment.ClientAccountId, customerId, method.Id, card.Brand, card.Last4,
            (int)card.ExpMonth, (int)card.ExpYear, paymentId, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same completion applied twice at once (redelivery, reconciliation): the first record stands.
        }
    }

    /// <summary>
    /// The client turns automatic card payment off: the card is detached at Stripe (so it can never be charged again)
    /// and forgotten, and the charges planned on it are cancelled. A charge already at Stripe finishes as Stripe says.
    /// </summary>
    public async Task RemoveAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cards = await db.SavedCards.Where(c => c.ClientAccountId == clientAccountId && c.RemovedAt == null).ToListAsync(cancellationToken);
        if (cards.Count == 0)
            throw new DomainException("There is no saved card to remove.");
        var stripeClient = await stripe.ClientAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var card in cards)
        {
            try
            {
                await stripeClient.V1.PaymentMethods.DetachAsync(card.PaymentMethodId, cancellationToken: cancellationToken);
            }
            catch (StripeException error) when (error.StripeError?.Type == "invalid_request_error")
            {
                // Already detached (at Stripe's dashboard, or by an earlier removal that failed to save): forget it here too.
                logger.LogInformation("Saved card {CardId} was already detached at Stripe: {Reason}", card.Id, error.StripeError.Message);
            }
            catch (Exception error) when (error is StripeException or HttpRequestException)
            {
                // Kept until Stripe confirms: a card forgotten here but still attached there could still be charged.
                logger.LogWarning("Saved card {CardId} could not be detached at Stripe: {Error}", card.Id, error.Message);
                throw new DomainException("Stripe could not be reached, so the card is still saved. Try again in a moment.");
            }
            card.Remove(now);
            audit.Record(db, "Card for automatic payment removed", nameof(SavedCard), card.Id, Describe(card), null);
        }
        var cardIds = cards.Select(c => c.Id).ToArray();
        foreach (var charge in await db.CardCharges.Where(c => cardIds.Contains(c.SavedCardId) && c.Status == CardChargeStatus.Planned).ToListAsync(cancellationToken))
            charge.Cancel(CardChargeCancellation.CardRemoved, now);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// What the client's automatic-payment panel shows: the card, the next charge (the earliest planned one, or the
    /// earliest open invoice the card will pay on its due date) and the latest charges with their outcome.
    /// </summary>
    public async Task<AutomaticPaymentOverview> OverviewAsync(Guid clientAccountId, DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var card = await db.SavedCards.AsNoTracking().Where(c => c.ClientAccountId == clientAccountId && c.RemovedAt == null)
            .OrderByDescending(c => c.SavedAt).FirstOrDefaultAsync(cancellationToken);
        var recent = await (from charge in db.CardCharges.AsNoTracking()
                            where charge.ClientAccountId == clientAccountId
                            join invoice in db.Invoices on charge.InvoiceId equals invoice.Id
                            orderby charge.PlannedAt descending, charge.Attempt descending
                            select new CardChargeLine(charge.InvoiceId, invoice.Number ?? "", charge.Attempt, charge.PlannedFor, charge.Status,
                                charge.CancelledBecause, charge.DeclineCode, charge.PaymentId))
                           .Take(RecentCharges).ToListAsync(cancellationToken);
        NextCardCharge? next = null;
        if (card is not null)
        {
            var candidates = await db.Invoices.AsNoTracking()
                .Where(i => i.ClientAccountId == clientAccountId && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
                .Where(i => !db.CardCharges.Any(c => c.InvoiceId == i.Id && c.Status != CardChargeStatus.Planned))
                .Where(i => !db.ScheduledCollections.Any(c => c.InvoiceId == i.Id && c.Automatic))
                .OrderBy(i => i.DueDate).ToListAsync(cancellationToken);
            var planned = await db.CardCharges.AsNoTracking().Where(c => c.ClientAccountId == clientAccountId && c.Status == CardChargeStatus.Planned)
                .ToDictionaryAsync(c => c.InvoiceId, c => c.PlannedFor, cancellationToken);
            var savedOn = (await db.Firms.AsNoTracking().SingleAsync(cancellationToken)).LocalToday(card.SavedAt);
            next = candidates.Where(i => i.AmountPayable.IsPositive && !i.Pending.IsPositive && i.MethodsAllowed.HasFlag(Domain.Firms.PaymentMethods.Card)
                    && (i.DueDate >= savedOn || planned.ContainsKey(i.Id)))
                .Select(i => new NextCardCharge(i.Number ?? "", i.AmountPayable, planned.TryGetValue(i.Id, out var day) ? day : (i.DueDate < today ? today : i.DueDate)))
                .OrderBy(n => n.On).FirstOrDefault();
        }
        return new AutomaticPaymentOverview(card, next, recent);
    }

    private const int RecentCharges = 5;

    /// <summary>An invoice's automatic card charges, first try first, for its staff page.</summary>
    public async Task<IReadOnlyList<CardChargeLine>> OfInvoiceAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (from charge in db.CardCharges.AsNoTracking()
                      where charge.InvoiceId == invoiceId
                      join invoice in db.Invoices on charge.InvoiceId equals invoice.Id
                      orderby charge.Attempt
                      select new CardChargeLine(charge.InvoiceId, invoice.Number ?? "", charge.Attempt, charge.PlannedFor, charge.Status,
                          charge.CancelledBecause, charge.DeclineCode, charge.PaymentId)).ToListAsync(cancellationToken);
    }

    /// <summary>"visa ••4242 (12/2029)": how the audit names a card, without anything that could charge it.</summary>
    public static string Describe(SavedCard card) =>
        $"{card.Brand} ••{card.Last4}" + (card.ExpMonth is { } month && card.ExpYear is { } year ? $" ({month:00}/{year})" : "");
}

public sealed record NextCardCharge(string InvoiceNumber, Money Amount, DateOnly On);

public sealed record CardChargeLine(
    Guid InvoiceId, string InvoiceNumber, int Attempt, DateOnly PlannedFor, CardChargeStatus Status, CardChargeCancellation CancelledBecause, string? DeclineCode, Guid? PaymentId);

public sealed record AutomaticPaymentOverview(SavedCard? Card, NextCardCharge? Next, IReadOnlyList<CardChargeLine> RecentCharges);
