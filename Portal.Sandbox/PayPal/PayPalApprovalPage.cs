using Microsoft.AspNetCore.Http;
using Portal.Sandbox.Common;
using static Portal.Sandbox.Common.SandboxPage;

namespace Portal.Sandbox.PayPal;

/// <summary>
/// The payer's side at /sandbox/paypal/checkoutnow?token={order id} (PayPal's own page is www.paypal.com/checkoutnow).
/// Approve sends the payer to return_url?token={order id}&amp;PayerID=…; Cancel to cancel_url?token={order id}.
/// How the capture will go is chosen here, or by the payer's e-mail as test cards do: an address starting
/// "pending" gives a PENDING capture (PENDING_REVIEW), one starting "declined" a DECLINED one, any other COMPLETED.
/// </summary>
internal static class PayPalApprovalPage
{
    public static IResult Show(PayPalSandbox sandbox, string? orderId)
    {
        if (orderId is null || sandbox.OwnerOfOrder(orderId) is not { } account)
        {
            return Html("Not found", "<h1>This PayPal link is not valid</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            var order = account.Orders[orderId];
            return Unavailable(order) ?? Form(order);
        }
    }

    public static async Task<IResult> ActAsync(HttpContext context, PayPalSandbox sandbox, string? orderId)
    {
        var form = await context.Request.ReadFormAsync();
        if (orderId is null || sandbox.OwnerOfOrder(orderId) is not { } account)
        {
            return Html("Not found", "<h1>This PayPal link is not valid</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            var order = account.Orders[orderId];
            if (Unavailable(order) is { } unavailable)
            {
                return unavailable;
            }

            var now = sandbox.Clock.GetUtcNow();
            var choice = form["action"].ToString();
            if (choice == "cancel")
            {
                PayPalLifecycle.Cancel(order, now);
                return order.CancelUrl is { } cancel ? Results.Redirect(WithQuery(cancel, $"token={order.Id}")) : Html("Cancelled", "<h1>You cancelled this payment</h1>");
            }

            if (choice is not ("approve" or "approve_pending" or "approve_declined"))
            {
                return Html("PayPal", $"<h1>Unknown choice</h1><p>{Encode(choice)}</p>", StatusCodes.Status400BadRequest);
            }

            var email = form["email"].ToString() is { Length: > 0 } given ? given.Trim() : "payer@example.test";
            account.BaseUrl = context.Request.BaseUrl();
            PayPalLifecycle.Approve(sandbox, account, order, PayPalLifecycle.OutcomeFor(choice, email), email, now, account.BaseUrl);
            return order.ReturnUrl is { } back
                ? Results.Redirect(WithQuery(back, $"token={order.Id}&PayerID={order.PayerId}"))
                : Html("Approved", "<h1>You approved this payment</h1>");
        }
    }

    private static IResult? Unavailable(PpOrder order) =>
        order.AwaitsPayer ? null : Html("PayPal", $"<h1>This payment is {Encode(order.Status)}</h1>", StatusCodes.Status409Conflict);

    private static IResult Form(PpOrder order)
    {
        var body = $"""
            <h1>Pay with PayPal</h1>
            <p>{Encode(order.BrandName ?? "Merchant")}</p>
            <div class="amount">{Encode(order.Amount.Value)} {Encode(order.Amount.Currency)}</div>
            <p>{Encode(order.Description)}</p>
            <form method="post">
              <label for="email">PayPal account e-mail</label><input id="email" name="email" type="email" value="payer@example.test" autocomplete="off">
              {Button("approve", "Approve payment")}
              {Button("approve_pending", "Approve (payment held for review)", "secondary")}
              {Button("approve_declined", "Approve (payment declined)", "secondary")}
              {Button("cancel", "Cancel and return to merchant", "danger")}
            </form>
            <p class="muted">Order {Encode(order.Id)} · an e-mail starting "pending" or "declined" chooses that outcome too.</p>
            """;
        return Html("PayPal", body);
    }

    private static string WithQuery(string url, string query) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
}
