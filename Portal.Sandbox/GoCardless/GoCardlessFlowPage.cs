using Microsoft.AspNetCore.Http;
using static Portal.Sandbox.Common.SandboxPage;

namespace Portal.Sandbox.GoCardless;

// The hosted billing request flow at /sandbox/gocardless/flow/{flowId}: the payer confirms details and a (fake)
// bank account, then is sent back to redirect_uri (or exit_uri on cancel).
internal static class GoCardlessFlowPage
{
    public static IResult Show(GoCardlessSandbox sandbox, string flowId)
    {
        if (sandbox.OwnerOf(flowId) is not { } account)
        {
            return Html("Not found", "<h1>This payment setup link is not valid</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            var flow = account.Get<GcBillingRequestFlow>(flowId);
            var request = account.Get<GcBillingRequest>(flow.Links["billing_request"]);
            return Unavailable(sandbox, flow, request) ?? Form(account, flow, request);
        }
    }

    public static async Task<IResult> ActAsync(HttpContext context, GoCardlessSandbox sandbox, string flowId)
    {
        var form = await context.Request.ReadFormAsync();
        if (sandbox.OwnerOf(flowId) is not { } account)
        {
            return Html("Not found", "<h1>This payment setup link is not valid</h1>", StatusCodes.Status404NotFound);
        }

        lock (account.Gate)
        {
            var action = new GoCardlessAction(account, sandbox.Clock.GetUtcNow());
            var flow = account.Get<GcBillingRequestFlow>(flowId);
            var request = account.Get<GcBillingRequest>(flow.Links["billing_request"]);
            var choice = form["action"].ToString();
            if (Unavailable(sandbox, flow, request) is { } unavailable)
            {
                return unavailable;
            }

            try
            {
                if (choice == "cancel")
                {
                    action.Emit("billing_requests", "flow_exited", new() { ["billing_request"] = request.Id },
                        new("payer", "billing_request_flow_exited", "The payer left the billing request flow."), request.Metadata);
                    return flow.ExitUri is { } exit ? Results.Redirect(exit) : Html("Cancelled", "<h1>You left the Direct Debit setup</h1>");
                }

                var defaults = DefaultPayer(account, request, flow);
                var payer = new GoCardlessLifecycle.PayerDetails(
                    Field(form, "given_name") ?? defaults.GivenName,
                    Field(form, "family_name") ?? defaults.FamilyName,
                    Field(form, "email") ?? defaults.Email,
                    Field(form, "company_name") ?? defaults.CompanyName,
                    Field(form, "account_holder_name") ?? defaults.AccountHolderName,
                    Field(form, "account_number") ?? defaults.AccountNumber);
                switch (choice)
                {
                    case "approve":
                        GoCardlessLifecycle.Fulfil(action, request, payer, "pending_submission");
                        break;
                    case "approve_active":
                        GoCardlessLifecycle.Fulfil(action, request, payer, "active");
                        break;
                    case "fail":
                        GoCardlessLifecycle.FailMandate(action, GoCardlessLifecycle.Fulfil(action, request, payer, "pending_submission"));
                        break;
                    default:
                        return Html("Direct Debit", $"<h1>Unknown choice</h1><p>{Encode(choice)}</p>", StatusCodes.Status400BadRequest);
                }

                return flow.RedirectUri is { } redirect ? Results.Redirect(redirect) : Html("Done", "<h1>Your Direct Debit is set up</h1>");
            }
            finally
            {
                account.FlushWebhooks();
            }
        }
    }

    public static GoCardlessLifecycle.PayerDetails DefaultPayer(GoCardlessAccount account, GcBillingRequest request, GcBillingRequestFlow? flow = null)
    {
        var prefilled = flow?.PrefilledCustomer ?? [];
        var customer = account.Find<GcCustomer>(request.Links.GetValueOrDefault("customer"));
        var company = customer?.CompanyName ?? prefilled.GetValueOrDefault("company_name");
        var givenName = customer?.GivenName ?? prefilled.GetValueOrDefault("given_name");
        var familyName = customer?.FamilyName ?? prefilled.GetValueOrDefault("family_name");
        // As GoCardless's page: the payer is who the creditor prefilled (a person, else the company); a made-up name only
        // when nothing was given.
        var holder = string.Join(' ', new[] { givenName, familyName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        if (holder.Length == 0 && company is null)
        {
            (givenName, familyName, holder) = ("Sam", "Payer", "Sam Payer");
        }

        return new GoCardlessLifecycle.PayerDetails(
            givenName,
            familyName,
            customer?.Email ?? prefilled.GetValueOrDefault("email") ?? "payer@example.test",
            company,
            holder.Length > 0 ? holder : company!,
            "55779911");
    }

    private static IResult? Unavailable(GoCardlessSandbox sandbox, GcBillingRequestFlow flow, GcBillingRequest request)
    {
        if (flow.Expiry <= sandbox.Clock.GetUtcNow())
        {
            return Html("Expired", "<h1>This link has expired</h1><p>Ask for a new Direct Debit setup link.</p>", StatusCodes.Status410Gone);
        }

        return request.Status == "pending"
            ? null
            : Html("Direct Debit", $"<h1>This Direct Debit setup is {Encode(request.Status)}</h1>", StatusCodes.Status409Conflict);
    }

    private static IResult Form(GoCardlessAccount account, GcBillingRequestFlow flow, GcBillingRequest request)
    {
        var payer = DefaultPayer(account, request, flow);
        var scheme = GoCardlessSchemes.Named(request.MandateRequest.Scheme)!;
        var locked = flow.LockCustomerDetails ? " readonly" : "";
        var body = $"""
            <h1>Set up a Direct Debit</h1>
            <p>Creditor {Encode(account.CreditorId)} · {Encode(scheme.Name)} · {Encode(scheme.Currency)}</p>
            <form method="post">
              <label for="given_name">First name</label><input id="given_name" name="given_name" value="{Encode(payer.GivenName)}"{locked}>
              <label for="family_name">Last name</label><input id="family_name" name="family_name" value="{Encode(payer.FamilyName)}"{locked}>
              <label for="email">Email</label><input id="email" name="email" type="email" value="{Encode(payer.Email)}"{locked}>
              <label for="account_holder_name">Account holder</label><input id="account_holder_name" name="account_holder_name" value="{Encode(payer.AccountHolderName)}">
              <label for="account_number">Account number (any digits; only the last two are kept)</label><input id="account_number" name="account_number" inputmode="numeric" value="55779911" autocomplete="off">
              {Button("approve", "Set up Direct Debit")}
              {Button("approve_active", "Set up Direct Debit (mandate active at once)", "secondary")}
              {Button("fail", "Set up with bank details that fail", "secondary")}
              {Button("cancel", "Cancel", "danger")}
            </form>
            <p class="muted">Billing request {Encode(request.Id)}</p>
            """;
        return Html("Direct Debit", body);
    }

    private static string? Field(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } value ? value.Trim() : null;
}
