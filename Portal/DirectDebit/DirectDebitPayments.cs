using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.GoCardless;
using Portal.Payments;
using Portal.Providers.GoCardless;

namespace Portal.DirectDebit;

/// <summary>A client's direct-debit payment: amounts on invoices and/or a prepayment, and where the hosted flow returns.</summary>
public sealed record DirectDebitRequest(Guid ClientAccountId, IReadOnlyList<InvoiceAmount> Invoices, Money? Prepayment, string RequestKey, Uri PortalBaseUrl);

/// <summary>
/// What happened: either the client must sign a mandate on GoCardless's page first (<see cref="SignMandateAt"/>), or
/// the collection is scheduled for <see cref="ChargeDate"/>.
/// </summary>
public sealed record DirectDebitStart(Guid PaymentId, Uri? SignMandateAt, DateOnly? ChargeDate);

/// <summary>
/// Direct debit end to end on the portal's side. A payment is recorded as Initiated with its allocations; with a usable
/// mandate it is collected at once (charge date = due date, or the mandate's earliest), otherwise a billing request with
/// a mandate request is opened and the collection follows when the mandate exists (webhook or return page, whichever
/// comes first). Every GoCardless call is keyed by the portal payment id, so repeats collect once.
/// </summary>
public sealed class DirectDebitPayments(
    ProviderPayments payments, PaymentAttempts attempts, DirectDebitMandates mandates, GoCardlessConnector connector,
    IDbContextFactory<PortalDbContext> dbFactory, FirmCalendar calendar, ILogger<DirectDebitPayments> logger)
{
    public async Task<DirectDebitStart> StartAsync(DirectDebitRequest request, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        // A client who left the hosted flow and comes back resumes the same payment and billing request: a second one
        // would collect the invoice twice once both mandates exist (invariant 5).
        var paymentId = await WaitingForMandateAsync(request, cancellationToken)
            ?? (await payments.InitiateAsync(new ProviderPaymentRequest(
                request.ClientAccountId, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, request.Invoices, request.Prepayment, "direct-debit:" + request.RequestKey), cancellationToken)).Id
            ?? throw new InvalidOperationException("The payment was not created.");
        var payment = await PaymentAsync(paymentId, cancellationToken);
        if (payment.Status != PaymentStatus.Initiated)
            return new DirectDebitStart(paymentId, null, await ChargeDateAsync(paymentId, cancellationToken));
        await attempts.SupersedeAsync(request.ClientAccountId, [.. request.Invoices.Select(i => i.InvoiceId)], paymentId, cancellationToken);

        if (await mandates.UsableAsync(request.ClientAccountId, payment.Currency, cancellationToken) is { } mandate)
        {
            var chargeDate = await CollectAsync(paymentId, mandate, automatic: false, cancellationToken);
            // Resumed after the client signed a mandate elsewhere: the billing request this attempt opened is closed, so
            // its old link cannot set up a second mandate. Only now, once the collection holds the payment in flight:
            // the cancellation's event must find it past abandoning.
            if (payment.ProviderCheckoutId is { } requestId)
                await CloseBillingRequestAsync(client, requestId, cancellationToken);
            return new DirectDebitStart(paymentId, null, chargeDate);
        }

        var link = await GoCardlessMandateSetup.StartAsync(client, await SetupRequestAsync(paymentId, request.ClientAccountId, payment.Currency, request.PortalBaseUrl, cancellationToken), cancellationToken);
        await payments.LinkCheckoutAsync(paymentId, link.BillingRequestId, cancellationToken);
        return new DirectDebitStart(paymentId, link.AuthorisationUrl, null);
    }

    /// <summary>
    /// The firm collects automatically: the invoice's amount payable on the client's usable mandate, keyed by the
    /// invoice (and, for a retry, the try: <paramref name="requestKey"/>) so that any number of runners schedule it once.
    /// </summary>
    public async Task<(Guid PaymentId, DateOnly ChargeDate)> ScheduleAutomaticAsync(Guid clientAccountId, Guid invoiceId, Money amount, string? requestKey = null, CancellationToken cancellationToken = default)
    {
        if (!await ClientLetsDirectDebitCollectAsync(clientAccountId, cancellationToken))
            throw new DomainException("The client chose not to pay automatically by direct debit.");
        var mandate = await mandates.UsableAsync(clientAccountId, amount.Currency, cancellationToken)
            ?? throw new DomainException("The client has no usable mandate in this currency.");
        var key = "direct-debit:" + (requestKey ?? DirectDebitAutoCollection.RequestKey(invoiceId));
        // A runner that finds this collection already started (by another instance now, or by one killed before it
        // sent it) carries that payment on. Starting it again would ask for what is payable now, which the started
        // payment has already lowered: a different request under the same key, refused. The caller read the amount
        // before this lookup, so a payment started in between is found here.
        var paymentId = await payments.FindByRequestKeyAsync(key, cancellationToken)
            ?? (await payments.InitiateAsync(new ProviderPaymentRequest(
                clientAccountId, PaymentMethod.DirectDebit, PaymentProvider.GoCardless, [new InvoiceAmount(invoiceId, amount)], null, key), cancellationToken)).Id
            ?? throw new InvalidOperationException("The payment was not created.");
        return (paymentId, await CollectAsync(paymentId, mandate, automatic: true, cancellationToken));
    }

    /// <summary>The client has not turned automatic payment off, nor chosen their saved card to pay automatically.</summary>
    public async Task<bool> ClientLetsDirectDebitCollectAsync(Guid clientAccountId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        return await CardOnFile.AutomaticPayments.DirectDebitMayCollectAsync(db, firm, clientAccountId, cancellationToken);
    }

    /// <summary>"Set up direct debit" without paying anything now: the hosted flow's address.</summary>
    public async Task<Uri> StartMandateSetupAsync(Guid clientAccountId, Currency currency, Uri portalBaseUrl, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        var link = await GoCardlessMandateSetup.StartAsync(client, await SetupRequestAsync(Guid.NewGuid(), clientAccountId, currency, portalBaseUrl, cancellationToken), cancellationToken);
        return link.AuthorisationUrl;
    }

    /// <summary>
    /// After the hosted flow (billing_requests.fulfilled, or the payer coming back): stores the mandate and collects the
    /// payment that was waiting for it. False while GoCardless has not fulfilled the request yet.
    /// </summary>
    public async Task<bool> CompleteSetupAsync(string billingRequestId, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        var summary = await GoCardlessMandateSetup.CompletedMandateAsync(client, billingRequestId, cancellationToken);
        if (summary is null)
            return false;
        var request = await client.GetBillingRequestAsync(billingRequestId, cancellationToken);
        if (!request.Metadata.TryGetValue(GoCardlessMandateSetup.ClientAccountMetadataKey, out var text) || !Guid.TryParse(text, out var clientAccountId))
            return false;
        var mandate = await mandates.StoreAsync(clientAccountId, summary, cancellationToken);
        if (await payments.FindByProviderIdAsync(PaymentProvider.GoCardless, billingRequestId, cancellationToken) is { } paymentId
            && (await PaymentAsync(paymentId, cancellationToken)).Status == PaymentStatus.Initiated)
        {
            await CollectAsync(paymentId, mandate, automatic: false, cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// Sends the collection to GoCardless and holds its amount as pending on the invoices. Safe to repeat: the portal
    /// payment id is GoCardless's idempotency key and every step below is a no-op the second time.
    /// </summary>
    public async Task<DateOnly> CollectAsync(Guid paymentId, DirectDebitMandate mandate, bool automatic, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        var payment = await PaymentAsync(paymentId, cancellationToken);
        var invoiceIds = payment.ToInvoices.Select(i => i.InvoiceId).ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoices = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToListAsync(cancellationToken);
        var today = await calendar.TodayAsync(cancellationToken);
        // Several invoices in one payment are collected on the earliest due date; a prepayment as soon as possible.
        var dueDate = invoices.Count == 0 ? today : invoices.Min(i => i.DueDate);
        var description = invoices.Count == 0 ? "Prepayment" : "Invoice " + string.Join(", ", invoices.Select(i => i.Number));

        GoCardlessPayment collected;
        try
        {
            collected = await GoCardlessCollector.CollectAsync(client, new DirectDebitCollection(paymentId, mandate.MandateId, payment.Amount, dueDate, description), cancellationToken);
        }
        catch (DirectDebitRefusedException refused)
        {
            await payments.CancelAsync(paymentId, $"direct-debit-refused:{paymentId:N}", cancellationToken);
            throw new DomainException(refused.Message);
        }
        await LinkCollectionAsync(paymentId, collected.Id, cancellationToken);
        // The schedule is stored before the payment moves to processing: pages refresh on that move and read both.
        if (!await db.ScheduledCollections.AnyAsync(c => c.PaymentId == paymentId, cancellationToken))
        {
            db.ScheduledCollections.Add(new ScheduledCollection(paymentId, payment.FirmId, payment.ClientAccountId,
                invoiceIds.Length == 1 ? invoiceIds[0] : null, mandate.MandateId, collected.ChargeDate, automatic));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The webhook and the return page collected together; the first row stands.
            }
        }
        await payments.MarkProcessingAsync(paymentId, $"direct-debit-scheduled:{paymentId:N}", cancellationToken);
        logger.LogInformation("Direct debit {PaymentId} scheduled for {ChargeDate} as {GoCardlessPayment}", paymentId, collected.ChargeDate, collected.Id);
        return collected.ChargeDate;
    }

    private async Task LinkCollectionAsync(Guid paymentId, string providerPaymentId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await payments.LinkProviderPaymentAsync(paymentId, providerPaymentId, cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // The webhook, the return page or another instance changed the payment meanwhile: link again on the
                // fresh row (the same id is then a no-op).
            }
        }
    }

    /// <summary>Staff cancel a collection GoCardless has not submitted to the bank yet.</summary>
    public async Task CancelCollectionAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        var payment = await PaymentAsync(paymentId, cancellationToken);
        if (payment.Method != PaymentMethod.DirectDebit)
            throw new DomainException("Only a direct debit can be cancelled here.");
        if (payment.ProviderPaymentId is { } providerId)
        {
            var client = await connector.ClientAsync(cancellationToken);
            try
            {
                await client.CancelPaymentAsync(providerId, cancellationToken);
            }
            catch (GoCardlessApiException refused)
            {
                throw new DomainException($"GoCardless would not cancel the collection: {refused.ApiMessage}");
            }
        }
        await payments.CancelAsync(paymentId, $"direct-debit-cancelled:{paymentId:N}", cancellationToken);
    }

    /// <summary>The client's "Cancel mandate": GoCardless cancels it, its webhook confirms; the row is updated now.</summary>
    public async Task CancelMandateAsync(string mandateId, CancellationToken cancellationToken = default)
    {
        var stored = await mandates.FindAsync(mandateId, cancellationToken) ?? throw new NotFoundException("mandate");
        var client = await connector.ClientAsync(cancellationToken);
        GoCardlessMandate cancelled;
        try
        {
            cancelled = await client.CancelMandateAsync(stored.MandateId, cancellationToken);
        }
        catch (GoCardlessApiException refused)
        {
            throw new DomainException($"GoCardless would not cancel the mandate: {refused.ApiMessage}");
        }
        await mandates.UpdateAsync(cancelled, cancellationToken);
    }

    public async Task<DateOnly?> ChargeDateAsync(Guid paymentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ScheduledCollections.Where(c => c.PaymentId == paymentId).Select(c => (DateOnly?)c.ChargeDate).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<MandateSetupRequest> SetupRequestAsync(Guid attemptId, Guid clientAccountId, Currency currency, Uri portalBaseUrl, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var account = await db.ClientAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientAccountId, cancellationToken) ?? throw new NotFoundException("client account");
        var returnUrl = new Uri(portalBaseUrl, $"portal/direct-debit/return?attempt={attemptId:N}");
        // The exit page abandons the attempt at once, so the invoice offers every method again (see DirectDebitExit).
        var exitUrl = new Uri(portalBaseUrl, $"portal/direct-debit/exit?attempt={attemptId:N}");
        // The payer GoCardless shows is the client's contact, not a stranger to fill in.
        var contact = await db.Contacts.AsNoTracking().Where(c => c.ClientAccountId == clientAccountId)
            .OrderBy(c => c.Email == account.BillingEmail ? 0 : 1).ThenBy(c => c.Id).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        var (givenName, familyName) = SplitName(contact);
        var payer = new GoCardlessPrefilledCustomer(GivenName: givenName, FamilyName: familyName, Email: account.BillingEmail, CompanyName: account.Name);
        return new MandateSetupRequest(attemptId, clientAccountId, currency, returnUrl, exitUrl, payer);
    }

    private async Task CloseBillingRequestAsync(GoCardlessClient client, string billingRequestId, CancellationToken cancellationToken)
    {
        try
        {
            if ((await client.GetBillingRequestAsync(billingRequestId, cancellationToken)).Status is GoCardlessBillingRequestStatus.Pending or GoCardlessBillingRequestStatus.ReadyToFulfil)
                await client.CancelBillingRequestAsync(billingRequestId, cancellationToken);
        }
        catch (GoCardlessApiException refused)
        {
            // The payer finished it meanwhile; the mandate it made replaces the one just used, and collects nothing more.
            logger.LogInformation("Billing request {BillingRequestId} was not cancelled: {Error}", billingRequestId, refused.ApiMessage);
        }
    }

    private static (string? Given, string? Family) SplitName(string? name)
    {
        var parts = name?.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return parts.Length switch
        {
            0 => (null, null),
            1 => (parts[0], null),
            _ => (parts[0], parts[1]),
        };
    }

    /// <summary>The client's direct debit on exactly these invoices that is still waiting for its mandate, if any.</summary>
    private async Task<Guid?> WaitingForMandateAsync(DirectDebitRequest request, CancellationToken cancellationToken)
    {
        if (request.Invoices.Count == 0)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await db.Payments.AsNoTracking()
            .Where(p => p.ClientAccountId == request.ClientAccountId && p.Method == PaymentMethod.DirectDebit && p.Status == PaymentStatus.Initiated && p.ProviderCheckoutId != null)
            .ToListAsync(cancellationToken);
        var wanted = request.Invoices.OrderBy(i => i.InvoiceId).ToList();
        return waiting.FirstOrDefault(p => p.ToWallet.IsZero == (request.Prepayment is null or { IsPositive: false })
            && p.ToInvoices.OrderBy(i => i.InvoiceId).SequenceEqual(wanted))?.Id;
    }

    private async Task<Payment> PaymentAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken) ?? throw new NotFoundException("payment");
    }
}
