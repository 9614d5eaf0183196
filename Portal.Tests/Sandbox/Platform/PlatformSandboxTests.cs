using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Portal.EInvoicing.Platform;

namespace Portal.Tests.Sandbox.Platform;

public sealed class PlatformSandboxTests
{
    [Fact]
    public async Task Every_call_without_a_valid_bearer_token_is_refused_401_in_the_platform_error_shape()
    {
        await using var bed = await PlatformTestbed.StartAsync();

        using var none = await bed.Raw.GetAsync(bed.Url("v1/healthcheck"));
        using var forged = new HttpRequestMessage(HttpMethod.Post, bed.Url("v1/flows/search")) { Content = JsonContent.Create(new { }) };
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "pa_not_issued_by_the_platform");
        using var forgedAnswer = await bed.Raw.SendAsync(forged);
        using var wrongSecret = await bed.Raw.PostAsync(bed.Url("oauth/token"), new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", bed.Connection.ClientId), new("client_secret", "x")]));

        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await none.Content.ReadFromJsonAsync<JsonObject>())!["errorCode"]!.GetValue<string>().ShouldBe("UNAUTHORIZED");
        forgedAnswer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrongSecret.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await bed.Client.HealthcheckAsync();
    }

    [Fact]
    public async Task A_token_expires_on_the_platform_clock_and_the_client_fetches_a_new_one()
    {
        await using var bed = await PlatformTestbed.StartAsync(o => o.Platform.TokenLifetime = TimeSpan.FromMinutes(10));
        var token = await bed.TokenAsync();
        bed.Clock.Advance(TimeSpan.FromMinutes(11));

        using var request = new HttpRequestMessage(HttpMethod.Get, bed.Url("v1/healthcheck"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var expired = await bed.Raw.SendAsync(request);

        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await bed.Client.HealthcheckAsync();
    }

    [Fact]
    public async Task The_same_tracking_id_and_file_is_the_same_flow_and_another_file_is_a_409()
    {
        await using var bed = await PlatformTestbed.StartAsync();
        var trackingId = Guid.NewGuid().ToString();

        var first = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(trackingId, PlatformTestbed.CiiXml()));
        var again = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(trackingId, PlatformTestbed.CiiXml()));
        var conflict = await Should.ThrowAsync<PlatformApiException>(() => bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(trackingId, PlatformTestbed.CiiXml(number: "F-2026-0002"))));

        again.FlowId.ShouldBe(first.FlowId);
        conflict.Status.ShouldBe(HttpStatusCode.Conflict);
        conflict.ErrorCode.ShouldBe("ALREADY_EXISTING_FLOW");
        var found = await bed.Client.SearchFlowsAsync(new FlowSearch(TrackingId: trackingId));
        found.Results.ShouldHaveSingleItem().FlowId.ShouldBe(first.FlowId);
    }

    [Fact]
    public async Task A_sha256_that_does_not_match_the_file_is_a_400_and_no_flow_is_created()
    {
        await using var bed = await PlatformTestbed.StartAsync();
        var trackingId = Guid.NewGuid().ToString();
        var file = PlatformTestbed.CiiXml();
        var wrong = Convert.ToHexStringLower(SHA256.HashData([1, 2, 3]));

        var (status, body) = await bed.PostFlowAsync(file, trackingId, wrong);
        var (rightStatus, _) = await bed.PostFlowAsync(file, trackingId, Convert.ToHexStringLower(SHA256.HashData(file)));

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["errorCode"]!.GetValue<string>().ShouldBe("CHECKSUM_MISMATCH");
        body["errorMessage"]!.GetValue<string>().ShouldContain(wrong);
        rightStatus.ShouldBe(HttpStatusCode.Accepted);
        (await bed.Client.SearchFlowsAsync(new FlowSearch(TrackingId: trackingId))).Results.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_invoice_to_a_french_business_without_its_siren_is_acknowledged_error_with_the_reason()
    {
        await using var bed = await PlatformTestbed.StartAsync();

        var missing = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml(buyerSiren: null)));
        var abroad = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml(buyerSiren: null, buyerCountry: "DE")) with { ProcessingRule = "B2BInt" });
        var malformed = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), "<rsm:CrossIndustryInvoice"u8.ToArray()));
        var unnumbered = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml(number: "")));

        var refused = await bed.Client.GetFlowAsync(missing.FlowId);
        refused.Acknowledgement.Status.ShouldBe(FlowAckStatus.Error);
        refused.Acknowledgement.Details.ShouldHaveSingleItem().ReasonMessage!.ShouldContain("buyer's SIREN");
        refused.Lifecycle.ShouldBeEmpty();
        (await bed.Client.GetFlowAsync(abroad.FlowId)).Acknowledgement.Status.ShouldBe(FlowAckStatus.Ok);
        (await bed.Client.GetFlowAsync(malformed.FlowId)).Acknowledgement.Details.Single().ReasonMessage!.ShouldContain("not well-formed");
        (await bed.Client.GetFlowAsync(unnumbered.FlowId)).Acknowledgement.Details.Single().ReasonMessage!.ShouldContain("invoice number");
    }

    [Fact]
    public async Task An_accepted_flow_stays_pending_until_acknowledged_then_is_deposited_and_issued()
    {
        await using var bed = await PlatformTestbed.StartAsync(o => o.Platform.AcknowledgementDelay = TimeSpan.FromMinutes(2));
        var receipt = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml()));

        var pending = await bed.Client.GetFlowAsync(receipt.FlowId);
        bed.Clock.Advance(TimeSpan.FromMinutes(3));
        var acknowledged = await bed.Client.GetFlowAsync(receipt.FlowId);

        pending.Acknowledgement.Status.ShouldBe(FlowAckStatus.Pending);
        acknowledged.Acknowledgement.Status.ShouldBe(FlowAckStatus.Ok);
        acknowledged.Lifecycle.Select(s => (s.Status, s.Label)).ShouldBe([(200, "Déposée"), (201, "Émise")]);
        acknowledged.Lifecycle.ShouldAllBe(s => s.At >= receipt.SubmittedAt + TimeSpan.FromMinutes(2), "statuses are dated on the platform clock, once the acknowledgement came");
    }

    [Theory]
    [InlineData("rejected", 213, "Rejetée")]
    [InlineData("refused", 210, "Refusée")]
    [InlineData("disputed", 207, "En litige")]
    [InlineData("approved", 205, "Approuvée")]
    public async Task A_scenario_set_for_the_next_flow_ends_its_lifecycle_with_that_status_and_reason(string scenario, int code, string label)
    {
        await using var bed = await PlatformTestbed.StartAsync();
        await bed.Client.HealthcheckAsync();
        await bed.Control.PostAsync($"scenarios/{scenario}", new { client_id = bed.Connection.ClientId, reason = "Numéro de commande absent" });

        var receipt = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml()));
        var next = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(Guid.NewGuid().ToString(), PlatformTestbed.CiiXml()));

        var last = (await bed.Client.GetFlowAsync(receipt.FlowId)).Lifecycle[^1];
        (last.Status, last.Label).ShouldBe((code, label));
        last.Reason.ShouldBe(code == 205 ? null : "Numéro de commande absent");
        (await bed.Client.GetFlowAsync(next.FlowId)).Lifecycle[^1].Status.ShouldBe(201, "a scenario applies to one flow only");
    }

    [Fact]
    public async Task Search_finds_flows_updated_after_a_time_page_by_page()
    {
        await using var bed = await PlatformTestbed.StartAsync();
        await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii("old", PlatformTestbed.CiiXml()));
        var since = bed.Clock.GetUtcNow();
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii($"new-{i}", PlatformTestbed.CiiXml()))).FlowId);

        var first = await bed.Client.SearchFlowsAsync(new FlowSearch(UpdatedAfter: since, Limit: 2));
        var second = await bed.Client.SearchFlowsAsync(new FlowSearch(UpdatedAfter: since, Limit: 2, Cursor: first.NextCursor));

        first.Results.Count.ShouldBe(2);
        second.NextCursor.ShouldBeNull();
        first.Results.Concat(second.Results).Select(f => f.FlowId).ShouldBe(ids, ignoreOrder: true);
    }

    [Fact]
    public async Task The_directory_lists_a_reachable_siren_and_not_one_marked_unreachable()
    {
        await using var bed = await PlatformTestbed.StartAsync(o => o.Platform.UnreachableSirens.Add("443061841"));

        var reachable = await bed.Client.FindDirectoryLinesAsync("552100554");
        var unreachable = await bed.Client.FindDirectoryLinesAsync("443061841");
        var invalid = await Should.ThrowAsync<PlatformApiException>(() => bed.Client.FindDirectoryLinesAsync("12"));

        reachable.ShouldHaveSingleItem().CanReceive.ShouldBeTrue();
        unreachable.ShouldBeEmpty();
        invalid.Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_client_retries_a_transient_failure_and_not_a_refusal()
    {
        await using var bed = await PlatformTestbed.StartAsync();
        var trackingId = Guid.NewGuid().ToString();
        await bed.Client.HealthcheckAsync();
        await bed.Control.InjectFaultAsync("server_error", count: 2, method: "POST", pathContains: "/v1/flows");
        await bed.Control.InjectFaultAsync("drop_response", count: 1, method: "POST", pathContains: "/v1/flows");

        var receipt = await bed.Client.SubmitFlowAsync(PlatformTestbed.Cii(trackingId, PlatformTestbed.CiiXml()));
        var refusal = await Should.ThrowAsync<PlatformApiException>(() => bed.Client.GetFlowAsync("no-such-flow"));

        (await bed.Client.SearchFlowsAsync(new FlowSearch(TrackingId: trackingId))).Results.ShouldHaveSingleItem().FlowId.ShouldBe(receipt.FlowId);
        refusal.Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
