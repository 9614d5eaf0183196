using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Payments;
using Portal.Providers.PayPal.Api;

namespace Portal.Providers.PayPal.Checkout;

/// <summary>A client's PayPal payment: amounts on chosen invoices and/or a prepayment, and the portal PayPal sends the payer back to.</summary>
public sealed record PayPalPaymentRequest(Guid ClientAccountId, IReadOnlyList<InvoiceAmount> Invoices, Money? Prepayment, string RequestKey, Uri PortalBaseUrl)
{
    /// <summary>Where PayPal sends the payer once they approved, followed by the payment's id: the portal captures there.</summary>
    public string ReturnPathPrefix { get; init; } = "portal/paypal/return/";

    /// <summary>The page that shows the payment, followed by its id; a payer who cancels on PayPal lands there.</summary>
    public string StatusPathPrefix { get; init; } = "portal/payments/";
}

/// <summary>The payment recorded for a PayPal order, and PayPal's page where the payer approves it.</summary>
public sealed record PayPalCheckout(Guid PaymentId, string OrderId, string ApproveUrl);

/// <summary>
/// Starts a PayPal payment: records it as Initiated with its intended allocations (an online payment, as a card is,
/// through the provider PayPal), then creates a PayPal order for exactly that amount whose custom_id is our payment id.
/// Nothing is owed or paid until the order is captured and the capture is COMPLETED.
/// </summary>
public sealed class PayPalCheckoutStarter(ProviderPayments payments, PaymentAttempts attempts, PayPalPayments paypal, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<PayPalCheckout> StartAsync(PayPalPaymentRequest request, CancellationToken cancellationToken = default)
    {
        // Refused before anything is recorded: the page says why, in the reader's language.
        foreach (var amount in request.Invoices.Select(i => i.Amount).Concat(request.Prepayment is { } prepayment ? [prepayment] : []))
            PayPalCurrencies.EnsureAccepts(amount);
        var client = await paypal.ClientAsync(cancellationToken);

        var initiated = await payments.InitiateAsync(new ProviderPaymentRequest(
            request.ClientAccountId, PaymentMethod.Card, PaymentProvider.PayPal, request.Invoices, request.Prepayment, "paypal:" + request.RequestKey), cancellationToken);
        var paymentId = initiated.Id ?? throw new InvalidOperationException("The payment was not created.");
        await attempts.SupersedeAsync(request.ClientAccountId, [.. request.Invoices.Select(i => i.InvoiceId)], paymentId, cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId, cancellationToken);
        var invoiceIds = request.Invoices.Select(i => i.InvoiceId).ToArray();
        var numbers = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).OrderBy(i => i.Number).Select(i => i.Number ?? "").ToListAsync(cancellationToken);
        var firmName = await db.Firms.Select(f => f.Name).SingleAsync(cancellationToken);

        var order = await client.CreateOrderAsync(new NewPayPalOrder(
            payment.Amount,
            paymentId.ToString(),
            Description(numbers, request.Prepayment),
            new Uri(request.PortalBaseUrl, $"{request.ReturnPathPrefix}{paymentId}"),
            new Uri(request.PortalBaseUrl, $"{request.StatusPathPrefix}{paymentId}?cancelled=true"),
            BrandName: firmName), PayPalPayments.OrderRequestId(paymentId), cancellationToken);
        if (order.PurchaseUnits.FirstOrDefault()?.Amount?.ToMoney() is { } ordered && ordered != payment.Amount)
            throw new InvalidOperationException("PayPal's order total differs from the payment.");
        await payments.LinkCheckoutAsync(paymentId, order.Id, cancellationToken);
        return new PayPalCheckout(paymentId, order.Id, order.ApproveUrl?.ToString() ?? throw new InvalidOperationException("PayPal gave no approval link for the order."));
    }

    // Shown to the payer on PayPal and on the firm's PayPal statement: which invoices the money is for.
    private static string Description(IReadOnlyList<string> numbers, Money? prepayment) => (numbers.Count, prepayment is { IsPositive: true }) switch
    {
        (0, _) => "Prepayment (account credit)",
        (1, false) => $"Invoice {numbers[0]}",
        (_, false) => $"Invoices {string.Join(", ", numbers)}",
        (_, true) => $"Invoices {string.Join(", ", numbers)} and prepayment",
    };
}

/// <summary>
/// A PayPal order as a hosted page. PayPal cannot void an order awaiting its payer; it expires by itself. Closing it
/// means Portal will not capture it any more (the return and the APPROVED event capture only an Initiated attempt), so
/// it is closed unless the payer already approved it, when the capture is on its way.
/// </summary>
public sealed class PayPalHostedCheckout(PayPalPayments paypal) : IHostedCheckout
{
    public PaymentProvider Provider => PaymentProvider.PayPal;

    public async Task<bool> CloseAsync(string checkoutId, CancellationToken cancellationToken)
    {
        var client = await paypal.ClientAsync(cancellationToken);
        var order = await client.GetOrderAsync(checkoutId, cancellationToken);
        return order.Status is not (PayPalOrderStatus.Approved or PayPalOrderStatus.Completed);
    }
}
