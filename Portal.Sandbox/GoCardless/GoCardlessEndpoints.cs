using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// The route table of the GoCardless emulator, mounted at /sandbox/gocardless (the client's base URL).
internal static class GoCardlessEndpoints
{
    public static void MapGoCardlessSandbox(this RouteGroupBuilder gc)
    {
        gc.MapGet("/creditors", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessReads.Creditors));
        gc.MapGet("/creditors/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessReads.CreditorById(call, id)));
        gc.MapPost("/customers", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessCustomers.Create));
        gc.MapGet("/customers", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessReads.Customers));
        gc.MapGet("/customers/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessReads.Customer(call, id)));
        gc.MapGet("/customer_bank_accounts/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessReads.BankAccount(call, id)));

        gc.MapPost("/billing_requests", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessBillingRequests.Create));
        gc.MapGet("/billing_requests", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessBillingRequests.List));
        gc.MapGet("/billing_requests/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessBillingRequests.Get(call, id)));
        gc.MapPost("/billing_requests/{id}/actions/cancel", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessBillingRequests.Cancel(call, id)));
        gc.MapPost("/billing_request_flows", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessBillingRequests.CreateFlow));

        gc.MapGet("/mandates", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessMandates.List));
        gc.MapGet("/mandates/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessMandates.Get(call, id)));
        gc.MapPost("/mandates/{id}/actions/cancel", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessMandates.Cancel(call, id)));

        gc.MapPost("/payments", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessPayments.Create));
        gc.MapGet("/payments", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessPayments.List));
        gc.MapGet("/payments/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessPayments.Get(call, id)));
        gc.MapPost("/payments/{id}/actions/cancel", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessPayments.Cancel(call, id)));
        gc.MapPost("/payments/{id}/actions/retry", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessPayments.Retry(call, id)));

        gc.MapPost("/refunds", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessRefunds.Create));
        gc.MapGet("/refunds", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessRefunds.List));
        gc.MapGet("/refunds/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessRefunds.Get(call, id)));

        gc.MapGet("/payouts", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessPayouts.List));
        gc.MapGet("/payouts/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessPayouts.Get(call, id)));
        gc.MapGet("/payout_items", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessPayouts.Items));

        gc.MapGet("/events", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, GoCardlessReads.Events));
        gc.MapGet("/events/{id}", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessReads.Event(call, id)));

        gc.MapPost("/scenario_simulators/{id}/actions/run", (HttpContext c, GoCardlessApi api, string id) => api.RunAsync(c, call => GoCardlessScenarios.Run(call, id)));

        gc.MapGet("/flow/{id}", (GoCardlessSandbox sandbox, string id) => GoCardlessFlowPage.Show(sandbox, id));
        gc.MapPost("/flow/{id}", (HttpContext c, GoCardlessSandbox sandbox, string id) => GoCardlessFlowPage.ActAsync(c, sandbox, id));

        var control = gc.MapGroup("/_control");
        control.MapSharedControl(SandboxProvider.GoCardless);

        // Same as the API's scenario simulators, without a token: the resource id tells which creditor it is.
        control.MapPost("/scenarios/{scenario}", async (HttpContext c, GoCardlessSandbox sandbox, string scenario) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            var resource = body["resource"]?.GetValue<string>() ?? "";
            if (sandbox.OwnerOf(resource) is not { } account)
            {
                return Results.NotFound(new { error = $"No such resource: {resource}" });
            }

            lock (account.Gate)
            {
                try
                {
                    GoCardlessScenarios.Apply(new GoCardlessAction(account, sandbox.Clock.GetUtcNow()), scenario, resource);
                    return Results.Json(new { scenario, resource });
                }
                catch (GoCardlessApiError error)
                {
                    return Results.Text(error.ToJson("control").ToJsonString(), "application/json", statusCode: error.Status);
                }
                finally
                {
                    account.FlushWebhooks();
                }
            }
        });

        gc.Map("/{**rest}", (HttpContext c, GoCardlessApi api) => api.RunAsync(c, _ =>
            throw GoCardlessApiError.InvalidApiUsage(404, "path_not_found", $"{c.Request.Method} {c.Request.Path} is not an endpoint the Portal sandbox emulates.")));
    }
}
