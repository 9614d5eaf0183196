using Portal.Domain;

namespace Portal.GoCardless;

// A typed client of the GoCardless API for one creditor (one access token); get one from GoCardlessClients.
// Every create takes an Idempotency-Key: sending it again returns what the first request created (billing request
// flows excepted, which GoCardless cannot read back).
public sealed class GoCardlessClient
{
    // Actions take an optional {"data":{…}}; an empty object is a valid body for all of them.
    private static readonly object NoData = new { };

    private readonly GoCardlessTransport _transport;

    internal GoCardlessClient(GoCardlessTransport transport, GoCardlessConnection connection)
    {
        _transport = transport;
        Connection = connection;
    }

    public GoCardlessConnection Connection { get; }

    public Task<GoCardlessCreditor> GetCreditorAsync(string creditorId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessCreditor>(Path("creditors", creditorId), "creditors", cancellationToken);

    public IAsyncEnumerable<GoCardlessCreditor> ListCreditorsAsync(GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessCreditor>("creditors", "creditors", [], paging ?? GoCardlessPaging.Default, cancellationToken);

    public Task<GoCardlessCustomer> CreateCustomerAsync(NewCustomer customer, string idempotencyKey, CancellationToken cancellationToken = default) =>
        _transport.CreateAsync<GoCardlessCustomer>("customers", "customers", customer, idempotencyKey, cancellationToken);

    public Task<GoCardlessCustomer> GetCustomerAsync(string customerId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessCustomer>(Path("customers", customerId), "customers", cancellationToken);

    public IAsyncEnumerable<GoCardlessCustomer> ListCustomersAsync(GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessCustomer>("customers", "customers", [], paging ?? GoCardlessPaging.Default, cancellationToken);

    public Task<GoCardlessCustomerBankAccount> GetCustomerBankAccountAsync(string bankAccountId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessCustomerBankAccount>(Path("customer_bank_accounts", bankAccountId), "customer_bank_accounts", cancellationToken);

    public Task<GoCardlessBillingRequest> CreateBillingRequestAsync(NewBillingRequest request, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        object? paymentRequest = null;
        if (request.PaymentRequest is { } payment)
        {
            var (amount, currency) = GoCardlessAmounts.ToWire(payment.Amount);
            paymentRequest = new { amount, currency, description = payment.Description };
        }

        return _transport.CreateAsync<GoCardlessBillingRequest>("billing_requests", "billing_requests", new
        {
            mandate_request = request.MandateRequest is { } mandate
                ? new
                {
                    currency = GoCardlessAmounts.ToWire(mandate.Currency),
                    scheme = mandate.Scheme is { } scheme ? GoCardlessQuery.Name(scheme) : null,
                    verify = mandate.Verify,
                    metadata = mandate.Metadata,
                }
                : null,
            payment_request = paymentRequest,
            metadata = request.Metadata,
            links = request.CustomerId is { } customer ? new { customer } : null,
        }, idempotencyKey, cancellationToken);
    }

    public Task<GoCardlessBillingRequest> GetBillingRequestAsync(string billingRequestId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessBillingRequest>(Path("billing_requests", billingRequestId), "billing_requests", cancellationToken);

    public IAsyncEnumerable<GoCardlessBillingRequest> ListBillingRequestsAsync(GoCardlessBillingRequestFilter? filter = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessBillingRequest>("billing_requests", "billing_requests", (filter ?? new()).ToQuery(), paging ?? GoCardlessPaging.Default, cancellationToken);

    // Stops a billing request the payer left: its flows stop working, so it can never be fulfilled (and collected) later.
    public Task<GoCardlessBillingRequest> CancelBillingRequestAsync(string billingRequestId, CancellationToken cancellationToken = default) =>
        _transport.ActAsync<GoCardlessBillingRequest>(Path("billing_requests", billingRequestId) + "/actions/cancel", "billing_requests", NoData, cancellationToken);

    // GoCardless has no endpoint to read a flow back, so a reused key cannot be answered with the first flow: it
    // throws the 409. Flows are cheap and move no money; use a fresh key for a fresh link.
    public Task<GoCardlessBillingRequestFlow> CreateBillingRequestFlowAsync(NewBillingRequestFlow flow, string idempotencyKey, CancellationToken cancellationToken = default) =>
        _transport.CreateAsync<GoCardlessBillingRequestFlow>("billing_request_flows", "billing_request_flows", new
        {
            redirect_uri = flow.RedirectUri.AbsoluteUri,
            exit_uri = flow.ExitUri.AbsoluteUri,
            prefilled_customer = flow.PrefilledCustomer,
            lock_customer_details = flow.LockCustomerDetails,
            lock_currency = flow.LockCurrency,
            language = flow.Language,
            links = new { billing_request = flow.BillingRequestId },
        }, idempotencyKey, cancellationToken, canFetchExisting: false);

    public Task<GoCardlessMandate> GetMandateAsync(string mandateId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessMandate>(Path("mandates", mandateId), "mandates", cancellationToken);

    public IAsyncEnumerable<GoCardlessMandate> ListMandatesAsync(GoCardlessMandateFilter? filter = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessMandate>("mandates", "mandates", (filter ?? new()).ToQuery(), paging ?? GoCardlessPaging.Default, cancellationToken);

    public Task<GoCardlessMandate> CancelMandateAsync(string mandateId, CancellationToken cancellationToken = default) =>
        _transport.ActAsync<GoCardlessMandate>(Path("mandates", mandateId) + "/actions/cancel", "mandates", NoData, cancellationToken);

    public Task<GoCardlessPayment> CreatePaymentAsync(NewPayment payment, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var (amount, currency) = GoCardlessAmounts.ToWire(payment.Amount);
        return _transport.CreateAsync<GoCardlessPayment>("payments", "payments", new
        {
            amount,
            currency,
            charge_date = payment.ChargeDate,
            description = payment.Description,
            reference = payment.Reference,
            metadata = payment.Metadata,
            retry_if_possible = payment.RetryIfPossible,
            links = new { mandate = payment.MandateId },
        }, idempotencyKey, cancellationToken);
    }

    public Task<GoCardlessPayment> GetPaymentAsync(string paymentId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessPayment>(Path("payments", paymentId), "payments", cancellationToken);

    public IAsyncEnumerable<GoCardlessPayment> ListPaymentsAsync(GoCardlessPaymentFilter? filter = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessPayment>("payments", "payments", (filter ?? new()).ToQuery(), paging ?? GoCardlessPaging.Default, cancellationToken);

    // Only a payment still pending_submission can be cancelled; otherwise GoCardless answers cancellation_failed.
    public Task<GoCardlessPayment> CancelPaymentAsync(string paymentId, CancellationToken cancellationToken = default) =>
        _transport.ActAsync<GoCardlessPayment>(Path("payments", paymentId) + "/actions/cancel", "payments", NoData, cancellationToken);

    // Only a failed payment on a usable mandate, at most three times; otherwise GoCardless answers retry_failed.
    public Task<GoCardlessPayment> RetryPaymentAsync(string paymentId, DateOnly? chargeDate = null, CancellationToken cancellationToken = default) =>
        _transport.ActAsync<GoCardlessPayment>(Path("payments", paymentId) + "/actions/retry", "payments",
            chargeDate is { } date ? (object)new { data = new { charge_date = date } } : NoData, cancellationToken);

    // GoCardless refunds only confirmed or paid-out payments, up to what is left of them.
    public Task<GoCardlessRefund> CreateRefundAsync(NewRefund refund, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var (amount, currency) = GoCardlessAmounts.ToWire(refund.Amount);
        var (total, totalCurrency) = GoCardlessAmounts.ToWire(refund.TotalRefunded);
        if (totalCurrency != currency)
        {
            throw new ArgumentException($"A refund in {currency} cannot confirm a total in {totalCurrency}.", nameof(refund));
        }

        return _transport.CreateAsync<GoCardlessRefund>("refunds", "refunds", new
        {
            amount,
            total_amount_confirmation = total,
            reference = refund.Reference,
            metadata = refund.Metadata,
            links = new { payment = refund.PaymentId },
        }, idempotencyKey, cancellationToken);
    }

    public Task<GoCardlessRefund> GetRefundAsync(string refundId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessRefund>(Path("refunds", refundId), "refunds", cancellationToken);

    public IAsyncEnumerable<GoCardlessRefund> ListRefundsAsync(string? paymentId = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessRefund>("refunds", "refunds", [new("payment", paymentId)], paging ?? GoCardlessPaging.Default, cancellationToken);

    public Task<GoCardlessEvent> GetEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessEvent>(Path("events", eventId), "events", cancellationToken);

    // Newest first. Reconciliation walks this to catch webhooks that never arrived.
    public IAsyncEnumerable<GoCardlessEvent> ListEventsAsync(GoCardlessEventFilter? filter = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessEvent>("events", "events", (filter ?? new()).ToQuery(), paging ?? GoCardlessPaging.Default, cancellationToken);

    public Task<GoCardlessPayout> GetPayoutAsync(string payoutId, CancellationToken cancellationToken = default) =>
        _transport.GetAsync<GoCardlessPayout>(Path("payouts", payoutId), "payouts", cancellationToken);

    public IAsyncEnumerable<GoCardlessPayout> ListPayoutsAsync(GoCardlessPayoutFilter? filter = null, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessPayout>("payouts", "payouts", (filter ?? new()).ToQuery(), paging ?? GoCardlessPaging.Default, cancellationToken);

    // What a payout is made of: the payments, refunds and fees GoCardless added up to its amount.
    public IAsyncEnumerable<GoCardlessPayoutItem> ListPayoutItemsAsync(string payoutId, GoCardlessPaging? paging = null, CancellationToken cancellationToken = default) =>
        _transport.ListAsync<GoCardlessPayoutItem>("payout_items", "payout_items", [new("payout", payoutId)], paging ?? GoCardlessPaging.Default, cancellationToken);

    // Sandbox only (GoCardless's and Portal's): makes the banks and the payer act now, e.g. "payment_confirmed".
    public async Task RunScenarioAsync(string scenario, string resourceId, CancellationToken cancellationToken = default) =>
        await _transport.ActAsync<ScenarioSimulator>(Path("scenario_simulators", scenario) + "/actions/run", "scenario_simulators", new
        {
            scenario_simulators = new { links = new { resource = resourceId } },
        }, cancellationToken);

    private static string Path(string collection, string id) => $"{collection}/{Uri.EscapeDataString(id)}";

    private sealed record ScenarioSimulator(string? Id);
}
