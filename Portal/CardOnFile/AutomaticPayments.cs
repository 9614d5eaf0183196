using Microsoft.EntityFrameworkCore;
using Portal.Audit;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Payments;

namespace Portal.CardOnFile;

/// <summary>What the client's automatic-payment panel shows about which means pays and what they may change.</summary>
public sealed record AutomaticPaymentStatus(
    AutomaticPaymentChoice Choice, bool ClientsMayChoose, bool CardCharges, DirectDebitMandate? Mandate, AutomaticPaymentMethod PaysWith,
    AutomaticDirectDebit? NextDirectDebit, IReadOnlyList<AutomaticDirectDebit> RecentDirectDebits)
{
    /// <summary>The client has a card and a mandate that could each pay: they may pick one.</summary>
    public bool CanSwitch => ClientsMayChoose && CardCharges && Mandate is not null && PaysWith != AutomaticPaymentMethod.None;
    /// <summary>Something would pay automatically if the client had not turned it off.</summary>
    public bool CanTurnOnOrOff => ClientsMayChoose && (CardCharges || Mandate is not null);
}

/// <summary>One automatic direct debit of an invoice, as the client follows it.</summary>
public sealed record AutomaticDirectDebit(string InvoiceNumber, Money Amount, DateOnly ChargeDate, PaymentStatus Status);

/// <summary>What changing the choice did to collections already on their way.</summary>
public sealed record AutomaticPaymentChange(int DirectDebitsCancelled, int DirectDebitsAlreadyWithTheBank);

/// <summary>
/// The client's say over automatic payment (<see cref="AutomaticPaymentRule"/>): which of their saved card and
/// direct-debit mandate pays their invoices, or neither. The firm decides whether saved cards are charged at all and
/// whether clients may choose. Both automatic paths ask here before taking money: the direct debit scheduled when an
/// invoice is issued, and the card charged on its due date. A choice applies to what has not started yet; a direct
/// debit the client no longer wants is cancelled while GoCardless still can. Call in a scope acting for the firm.
/// </summary>
public sealed class AutomaticPayments(
    IDbContextFactory<PortalDbContext> dbFactory, DirectDebitMandates mandates, DirectDebitPayments directDebits, AuditRecorder audit, ILogger<AutomaticPayments> logger)
{
    /// <summary>The firm charges saved cards automatically: it takes cards, through Stripe, and has not turned it off.</summary>
    public static async Task<bool> ChargesSavedCardsAsync(PortalDbContext db, Firm firm, CancellationToken cancellationToken) =>
        firm.Policy.ChargeSavedCardsOnDueDate && firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.Card)
        && await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken);

    /// <summary>
    /// The clients whose invoices an automatic direct debit leaves alone: those who turned automatic payment off, and
    /// those who chose their card while the firm charges it.
    /// </summary>
    public static async Task<HashSet<Guid>> ClientsDirectDebitLeavesAsync(PortalDbContext db, Firm firm, CancellationToken cancellationToken)
    {
        if (!firm.Policy.ClientsChooseAutomaticPayment)
            return [];
        var chargesCards = await ChargesSavedCardsAsync(db, firm, cancellationToken);
        var chosen = await db.ClientAccounts.AsNoTracking()
            .Where(c => c.AutomaticPayment == AutomaticPaymentChoice.Off || c.AutomaticPayment == AutomaticPaymentChoice.Card)
            .Select(c => new { c.Id, c.AutomaticPayment, HasCard = db.SavedCards.Any(s => s.ClientAccountId == c.Id && s.RemovedAt == null) })
            .ToListAsync(cancellationToken);
        return [.. chosen.Where(c => AutomaticPaymentRule.Choose(c.AutomaticPayment, true, chargesCards && c.HasCard, mandateCollects: true) != AutomaticPaymentMethod.DirectDebit)
            .Select(c => c.Id)];
    }

    /// <summary>An automatic direct debit may be scheduled on this client's invoice (asked once per collection: one read by key).</summary>
    public static async Task<bool> DirectDebitMayCollectAsync(PortalDbContext db, Firm firm, Guid clientAccountId, CancellationToken cancellationToken)
    {
        if (!firm.Policy.ClientsChooseAutomaticPayment)
            return true;
        var choice = await db.ClientAccounts.Where(c => c.Id == clientAccountId).Select(c => c.AutomaticPayment).SingleAsync(cancellationToken);
        var cardCharges = choice == AutomaticPaymentChoice.Card
            && await db.SavedCards.AnyAsync(c => c.ClientAccountId == clientAccountId && c.RemovedAt == null, cancellationToken)
            && await ChargesSavedCardsAsync(db, firm, cancellationToken);
        return AutomaticPaymentRule.Choose(choice, true, cardCharges, mandateCollects: true) == AutomaticPaymentMethod.DirectDebit;
    }

    /// <summary>
    /// The client's saved card may be charged for their invoices (beyond the firm charging cards at all): not when they
    /// turned automatic payment off. A direct debit already on the invoice keeps the card away on its own.
    /// </summary>
    public static bool CardMayCharge(Firm firm, AutomaticPaymentChoice choice) =>
        AutomaticPaymentRule.Choose(choice, firm.Policy.ClientsChooseAutomaticPayment, cardCharges: true, mandateCollects: false) == AutomaticPaymentMethod.Card;

    public async Task<AutomaticPaymentStatus> StatusAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var client = await db.ClientAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
        var cardCharges = await ChargesSavedCardsAsync(db, firm, cancellationToken)
            && await db.SavedCards.AnyAsync(c => c.ClientAccountId == clientAccountId && c.RemovedAt == null, cancellationToken);
        // Only a mandate the firm collects automatically on due dates pays without the client asking.
        var mandate = firm.Policy.AutoCollectDirectDebitOnDueDate && firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit)
            ? await mandates.UsableAsync(clientAccountId, client.Currency, cancellationToken)
            : null;
        var paysWith = AutomaticPaymentRule.Choose(client.AutomaticPayment, firm.Policy.ClientsChooseAutomaticPayment, cardCharges, mandate is not null);
        var recent = (await (from collection in db.ScheduledCollections.AsNoTracking()
                             where collection.ClientAccountId == clientAccountId && collection.Automatic && collection.InvoiceId != null
                             join payment in db.Payments on collection.PaymentId equals payment.Id
                             join invoice in db.Invoices on collection.InvoiceId equals invoice.Id
                             orderby collection.ChargeDate descending
                             select new { invoice.Number, payment.AmountMinor, payment.Currency, collection.ChargeDate, payment.Status })
                .Take(RecentDirectDebits).ToListAsync(cancellationToken))
            .Select(d => new AutomaticDirectDebit(d.Number ?? "", new Money(d.AmountMinor, d.Currency), d.ChargeDate, d.Status)).ToList();
        // The next money to leave the client's bank: the earliest collection still on its way.
        var next = recent.Where(d => d.Status is PaymentStatus.Initiated or PaymentStatus.Pending).MinBy(d => d.ChargeDate);
        return new AutomaticPaymentStatus(client.AutomaticPayment, firm.Policy.ClientsChooseAutomaticPayment, cardCharges, mandate, paysWith, next, recent);
    }

    private const int RecentDirectDebits = 5;

    /// <summary>
    /// Records the client's choice. When it takes direct debit away from them, their automatic collections GoCardless
    /// has not submitted yet are cancelled (the others are with the bank and finish) and the retries planned are not
    /// made; the card's planned charges read the choice on their day.
    /// </summary>
    public async Task<AutomaticPaymentChange> ChooseAsync(Guid clientAccountId, AutomaticPaymentChoice choice, CancellationToken cancellationToken = default)
    {
        List<Guid> toCancel;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
            if (!firm.Policy.ClientsChooseAutomaticPayment)
                throw new DomainException("This firm decides how invoices are paid automatically.");
            var client = await db.ClientAccounts.SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client");
            var before = client.AutomaticPayment;
            client.ChooseAutomaticPayment(choice);
            if (before != choice)
                audit.Record(db, "Automatic payment chosen", "ClientAccount", client.Id, before.ToString(), choice.ToString());
            await db.SaveChangesAsync(cancellationToken);
            if (await DirectDebitMayCollectAsync(db, firm, clientAccountId, cancellationToken))
                return new AutomaticPaymentChange(0, 0);
            toCancel = await (from collection in db.ScheduledCollections
                              where collection.ClientAccountId == clientAccountId && collection.Automatic
                              join payment in db.Payments on collection.PaymentId equals payment.Id
                              where payment.Status == PaymentStatus.Initiated || payment.Status == PaymentStatus.Pending
                              select payment.Id).ToListAsync(cancellationToken);
        }
        var cancelled = 0;
        foreach (var paymentId in toCancel)
        {
            try
            {
                await directDebits.CancelCollectionAsync(paymentId, cancellationToken);
                cancelled++;
            }
            catch (DomainException refused)
            {
                // Submitted to the bank already: it is collected, and nothing else is taken for that invoice meanwhile.
                logger.LogInformation("Direct debit {PaymentId} stays: {Reason}", paymentId, refused.Message);
            }
        }
        return new AutomaticPaymentChange(cancelled, toCancel.Count - cancelled);
    }
}
