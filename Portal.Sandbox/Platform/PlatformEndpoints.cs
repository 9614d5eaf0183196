using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Platform;

// The approved-platform emulator (XP Z12-013 Flow Service subset), mounted at /sandbox/platform/flow-service (the
// client's base URL). The OAuth2 token endpoint sits under the same base, at oauth/token, so one URL configures it.
internal static class PlatformEndpoints
{
    private static readonly string[] FlowSyntaxes = ["CII", "UBL", "Factur-X", "CDAR", "FRR"];
    private static readonly string[] ProcessingRules = ["B2B", "B2BInt", "B2C", "B2G", "B2GInt", "OutOfScope", "B2GOutOfScope", "ArchiveOnly", "NotApplicable"];

    public static void MapPlatformSandbox(this RouteGroupBuilder platform)
    {
        var api = platform.MapGroup("/flow-service");
        api.MapPost("/oauth/token", IssueTokenAsync);
        api.MapGet("/v1/healthcheck", (HttpContext c, PlatformSandbox sandbox, FaultInjector faults) =>
            RunAsync(c, sandbox, faults, _ => Task.FromResult(Json(200, new JsonObject { ["status"] = "Ok" }))));
        api.MapPost("/v1/flows", (HttpContext c, PlatformSandbox sandbox, FaultInjector faults) =>
            RunAsync(c, sandbox, faults, account => SubmitAsync(c, sandbox, account)));
        api.MapGet("/v1/flows/{flowId}", (HttpContext c, PlatformSandbox sandbox, FaultInjector faults, string flowId, string? docType) =>
            RunAsync(c, sandbox, faults, account => Task.FromResult(Get(sandbox, account, flowId, docType))));
        api.MapPost("/v1/flows/search", (HttpContext c, PlatformSandbox sandbox, FaultInjector faults) =>
            RunAsync(c, sandbox, faults, account => SearchAsync(c, sandbox, account)));
        api.MapPost("/v1/directory-line/search", (HttpContext c, PlatformSandbox sandbox, FaultInjector faults) =>
            RunAsync(c, sandbox, faults, _ => DirectoryAsync(c, sandbox)));

        var control = platform.MapGroup("/_control");
        control.MapSharedControl(SandboxProvider.Platform);

        // The next flow the client submits (or the flow with this trackingId) goes the scenario's way: rejected
        // (213), refused by the buyer (210), disputed (207) or approved (205), with the reason given.
        control.MapPost("/scenarios/{scenario}", async (HttpContext c, PlatformSandbox sandbox, string scenario) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            if (!PlatformSandbox.Scenarios.Contains(scenario))
            {
                return Results.BadRequest(new { error = "scenario must be rejected, refused, disputed or approved" });
            }

            var clientId = body["client_id"]?.GetValue<string>();
            var trackingId = body["tracking_id"]?.GetValue<string>();
            var reason = body["reason"]?.GetValue<string>();
            var accounts = clientId is null ? sandbox.Accounts.ToList() : sandbox.AccountFor(clientId) is { } one ? [one] : [];
            if (accounts.Count == 0)
            {
                return Results.NotFound(new { error = $"No platform client {clientId} has asked for a token yet." });
            }

            foreach (var account in accounts)
            {
                lock (account.Gate)
                {
                    if (trackingId is null)
                    {
                        account.NextScenarios.Enqueue((scenario, reason));
                        continue;
                    }

                    foreach (var flow in account.Flows.Where(f => f.Info.TrackingId == trackingId))
                    {
                        sandbox.Advance(flow);
                        sandbox.ApplyScenario(flow, scenario, reason);
                    }
                }
            }

            return Results.Json(new { scenario, tracking_id = trackingId });
        });

        control.MapPost("/directory/unreachable", async (HttpContext c, PlatformSandbox sandbox) =>
        {
            var body = await SandboxControlEndpoints.ReadJsonAsync(c);
            var siren = body["siren"]?.GetValue<string>() ?? "";
            sandbox.MarkUnreachable(siren);
            return Results.Json(new { siren, reachable = false });
        });

        // Every flow of every client with this trackingId: what tests count to prove a document was sent once.
        control.MapGet("/flows", (PlatformSandbox sandbox, string? trackingId) =>
        {
            var flows = new JsonArray();
            foreach (var account in sandbox.Accounts)
            {
                lock (account.Gate)
                {
                    foreach (var flow in account.Flows.Where(f => trackingId is null || f.Info.TrackingId == trackingId))
                    {
                        sandbox.Advance(flow);
                        flows.Add(Describe(flow));
                    }
                }
            }

            return Results.Text(new JsonObject { ["results"] = flows }.ToJsonString(), "application/json");
        });
    }

    // OAuth2 client credentials (RFC 6749 §4.4): form post, the client's credentials in the form or in Basic auth.
    private static async Task<IResult> IssueTokenAsync(HttpContext context, PlatformSandbox sandbox)
    {
        if (!context.Request.HasFormContentType)
        {
            return OAuthError(400, "invalid_request", "Send the token request as application/x-www-form-urlencoded.");
        }

        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "client_credentials")
        {
            return OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
        }

        string? clientId = form["client_id"], clientSecret = form["client_secret"];
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var basic)
            && basic.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && basic.Parameter is { } encoded)
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split(':', 2);
            (clientId, clientSecret) = (Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : "");
        }

        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret) || sandbox.Authenticate(clientId, clientSecret) is not { } account)
        {
            return OAuthError(401, "invalid_client", "Unknown client or wrong secret.");
        }

        var (token, lifetime) = sandbox.IssueToken(account);
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = (int)lifetime.TotalSeconds });
    }

    // Every API call: bearer token, injected faults, then the handler; errors in the platform's shape.
    private static async Task RunAsync(HttpContext context, PlatformSandbox sandbox, FaultInjector faults, Func<PlatformAccount, Task<(int Status, JsonNode Body, string ContentType)>> handler)
    {
        var request = context.Request;
        var instance = request.Path.Value ?? "";
        var token = AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;
        if (token is null || sandbox.AccountForToken(token) is not { } account)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context.Response, 401, PlatformError.Unauthorized(token is null ? "A Bearer token is required." : "The token is unknown or expired.").ToJson(instance));
            return;
        }

        var fault = faults.TakeNext(SandboxProvider.Platform, request.Method, instance);
        if (fault is { IsBeforeHandling: true })
        {
            await WriteAsync(context.Response, fault.Kind == SandboxFaultKind.RateLimit ? 429 : 503,
                new PlatformError(fault.Kind == SandboxFaultKind.RateLimit ? 429 : 503, fault.Kind == SandboxFaultKind.RateLimit ? "TOO_MANY_REQUESTS" : "SERVICE_UNAVAILABLE", "(sandbox: injected)").ToJson(instance));
            return;
        }

        (int Status, JsonNode Body, string ContentType) result;
        try
        {
            result = await handler(account);
        }
        catch (PlatformError error)
        {
            result = (error.Status, error.ToJson(instance), "application/json");
        }

        if (fault is { Kind: SandboxFaultKind.DropResponse })
        {
            context.Abort();
            return;
        }

        if (fault is { Kind: SandboxFaultKind.DelayResponse })
        {
            await Task.Delay(fault.Delay, context.RequestAborted);
        }

        await WriteAsync(context.Response, result.Status, result.Body);
    }

    private static async Task<(int, JsonNode, string)> SubmitAsync(HttpContext context, PlatformSandbox sandbox, PlatformAccount account)
    {
        if (!context.Request.HasFormContentType)
        {
            throw PlatformError.BadRequest("INVALID_REQUEST", "POST /v1/flows takes multipart/form-data with a file and flowInfo.");
        }

        var form = await context.Request.ReadFormAsync();
        var file = form.Files.GetFile("file") ?? throw PlatformError.BadRequest("MISSING_FILE", "The file part is required.");
        if (file.Length == 0)
        {
            throw PlatformError.BadRequest("EMPTY_FILE", "The file is empty.");
        }

        var info = ReadFlowInfo(form["flowInfo"].FirstOrDefault());
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await file.CopyToAsync(buffer);
            bytes = buffer.ToArray();
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (info.Sha256.Length > 0 && !string.Equals(info.Sha256, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw PlatformError.BadRequest("CHECKSUM_MISMATCH", $"flowInfo.sha256 {info.Sha256} does not match the file received (sha256 {actual}).");
        }

        info = info with { Sha256 = actual };
        lock (account.Gate)
        {
            // The trackingId is the client's idempotency key: the same file again is the same flow.
            if (info.TrackingId is { } trackingId && account.Flows.FirstOrDefault(f => f.Info.TrackingId == trackingId) is { } existing)
            {
                return existing.Info.Sha256 == actual
                    ? (202, Summary(existing), "application/json")
                    : throw new PlatformError(409, "ALREADY_EXISTING_FLOW", $"trackingId {trackingId} was already submitted with another file (flow {existing.FlowId}).");
            }

            var flow = new PlatformFlow(Guid.NewGuid().ToString(), info, bytes, sandbox.Clock.GetUtcNow())
            {
                Check = PlatformDocumentCheck.Check(bytes, info.FlowSyntax, info.ProcessingRule),
            };
            if (account.NextScenarios.TryDequeue(out var scenario))
            {
                (flow.Scenario, flow.ScenarioReason) = scenario;
            }

            account.Flows.Add(flow);
            sandbox.Advance(flow);
            return (202, Summary(flow), "application/json");
        }
    }

    private static PlatformFlowInfo ReadFlowInfo(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw PlatformError.BadRequest("MISSING_FLOW_INFO", "The flowInfo part is required.");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw PlatformError.BadRequest("INVALID_FLOW_INFO", "flowInfo must be a JSON object.");
        }
        catch (JsonException)
        {
            throw PlatformError.BadRequest("INVALID_FLOW_INFO", "flowInfo is not valid JSON.");
        }

        string? Text(string name) => json[name] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
        var name = Text("name");
        var syntax = Text("flowSyntax");
        var rule = Text("processingRule") ?? "B2B";
        var trackingId = Text("trackingId");
        if (string.IsNullOrWhiteSpace(name))
        {
            throw PlatformError.BadRequest("INVALID_FLOW_INFO", "flowInfo.name is required.");
        }

        if (syntax is null || !FlowSyntaxes.Contains(syntax))
        {
            throw PlatformError.BadRequest("INVALID_FLOW_INFO", $"flowInfo.flowSyntax must be one of {string.Join(", ", FlowSyntaxes)}.");
        }

        if (!ProcessingRules.Contains(rule))
        {
            throw PlatformError.BadRequest("INVALID_FLOW_INFO", $"flowInfo.processingRule must be one of {string.Join(", ", ProcessingRules)}.");
        }

        if (trackingId is { Length: > 64 })
        {
            throw PlatformError.BadRequest("INVALID_FLOW_INFO", "flowInfo.trackingId is at most 64 characters.");
        }

        return new PlatformFlowInfo(name, syntax, rule, Text("flowProfile"), trackingId, Text("sha256") ?? "");
    }

    private static (int, JsonNode, string) Get(PlatformSandbox sandbox, PlatformAccount account, string flowId, string? docType)
    {
        lock (account.Gate)
        {
            var flow = account.Flows.FirstOrDefault(f => f.FlowId == flowId) ?? throw PlatformError.NotFound($"No flow {flowId}.");
            sandbox.Advance(flow);
            return (docType ?? "Metadata") switch
            {
                "Metadata" => (200, Describe(flow), "application/json"),
                _ => throw PlatformError.BadRequest("INVALID_DOC_TYPE", "The sandbox platform serves docType=Metadata only."),
            };
        }
    }

    private static async Task<(int, JsonNode, string)> SearchAsync(HttpContext context, PlatformSandbox sandbox, PlatformAccount account)
    {
        var body = await ReadBodyAsync(context);
        var where = body["where"] as JsonObject ?? [];
        var limit = body["limit"]?.GetValue<int>() ?? 25;
        if (limit is < 1 or > 100)
        {
            throw PlatformError.BadRequest("INVALID_LIMIT", "limit is between 1 and 100.");
        }

        var trackingId = where["trackingId"]?.GetValue<string>();
        var updatedAfter = where["updatedAfter"] is { } after ? DateTimeOffset.Parse(after.GetValue<string>(), CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var skip = body["cursor"]?.GetValue<string>() is { } cursor && int.TryParse(cursor, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        lock (account.Gate)
        {
            foreach (var flow in account.Flows)
            {
                sandbox.Advance(flow);
            }

            var matching = account.Flows
                .Where(f => trackingId is null || f.Info.TrackingId == trackingId)
                .Where(f => updatedAfter is null || f.UpdatedAt > updatedAfter)
                .OrderBy(f => f.UpdatedAt).ThenBy(f => f.FlowId, StringComparer.Ordinal)
                .ToList();
            var page = matching.Skip(skip).Take(limit).ToList();
            var result = new JsonObject
            {
                ["limit"] = limit,
                ["results"] = new JsonArray(page.Select(f => (JsonNode)Describe(f)).ToArray()),
            };
            if (skip + page.Count < matching.Count)
            {
                result["nextCursor"] = (skip + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return (200, result, "application/json");
        }
    }

    private static async Task<(int, JsonNode, string)> DirectoryAsync(HttpContext context, PlatformSandbox sandbox)
    {
        var body = await ReadBodyAsync(context);
        var siren = body["filters"]?["siren"]?["value"]?.GetValue<string>()?.Trim();
        if (siren is null || siren.Length != 9 || !siren.All(char.IsAsciiDigit))
        {
            throw PlatformError.BadRequest("INVALID_FILTER", "filters.siren.value must be a SIREN of 9 digits.");
        }

        var lines = new JsonArray();
        if (sandbox.IsReachable(siren))
        {
            lines.Add(new JsonObject
            {
                ["siren"] = siren,
                ["addressingIdentifier"] = siren,
                ["platformType"] = "WK",
                ["directoryLineStatus"] = "Enabled",
            });
        }

        return (200, new JsonObject { ["results"] = lines }, "application/json");
    }

    private static JsonObject Summary(PlatformFlow flow) => new()
    {
        ["flowId"] = flow.FlowId,
        ["submittedAt"] = flow.SubmittedAt.ToString("O", CultureInfo.InvariantCulture),
        ["trackingId"] = flow.Info.TrackingId,
        ["name"] = flow.Info.Name,
        ["processingRule"] = flow.Info.ProcessingRule,
        ["flowSyntax"] = flow.Info.FlowSyntax,
        ["flowProfile"] = flow.Info.FlowProfile,
        ["sha256"] = flow.Info.Sha256,
    };

    // The flow's metadata; "lifecycle" is the sandbox's own addition: the statuses a real platform sends as
    // separate CustomerInvoiceLC flows, kept on the invoice's flow so a client can read them in one call.
    private static JsonObject Describe(PlatformFlow flow)
    {
        var json = Summary(flow);
        json["updatedAt"] = flow.UpdatedAt.ToString("O", CultureInfo.InvariantCulture);
        json["flowType"] = "CustomerInvoice";
        json["flowDirection"] = "Out";
        var details = new JsonArray();
        if (flow.Acknowledged && flow.Check is { Ok: false } refused)
        {
            details.Add(new JsonObject { ["level"] = "Error", ["reasonCode"] = refused.ReasonCode, ["reasonMessage"] = refused.Reason });
        }

        json["acknowledgement"] = new JsonObject
        {
            ["status"] = !flow.Acknowledged ? "Pending" : flow.Check is { Ok: true } ? "Ok" : "Error",
            ["details"] = details,
        };
        json["lifecycle"] = new JsonArray(flow.Statuses.Select(s => (JsonNode)new JsonObject
        {
            ["status"] = s.Code,
            ["label"] = s.Label,
            ["at"] = s.At.ToString("O", CultureInfo.InvariantCulture),
            ["reason"] = s.Reason,
        }).ToArray());
        return json;
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await context.Request.ReadFromJsonAsync<JsonObject>() ?? [];
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
        {
            throw PlatformError.BadRequest("INVALID_JSON", "The request body must be a JSON object.");
        }
    }

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private static (int, JsonNode, string) Json(int status, JsonNode body) => (status, body, "application/json");

    private static async Task WriteAsync(HttpResponse response, int status, JsonNode body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }
}
