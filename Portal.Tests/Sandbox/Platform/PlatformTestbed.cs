using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.EInvoicing.Platform;
using Portal.Sandbox;
using Portal.Tests.Fixture;

namespace Portal.Tests.Sandbox.Platform;

// One sandbox on its own port, the portal's real platform client on it, and a plain HTTP client for what the
// portal's client never sends (no token, a wrong checksum).
public sealed class PlatformTestbed : IAsyncDisposable
{
    private PlatformTestbed(RunningSandbox sandbox, TestClock clock, string clientId, string clientSecret)
    {
        Sandbox = sandbox;
        Clock = clock;
        Connection = new PlatformConnectionInfo(new Uri(sandbox.BaseUrl, "sandbox/platform/flow-service/"), clientId, clientSecret);
        Client = new PlatformClient(new HttpClient(), Connection, new PlatformTokens(clock),
            new PlatformOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, NullLogger.Instance);
        Control = new SandboxControl(sandbox, "platform");
    }

    public RunningSandbox Sandbox { get; }

    public TestClock Clock { get; }

    public PlatformConnectionInfo Connection { get; }

    public PlatformClient Client { get; }

    public SandboxControl Control { get; }

    public HttpClient Raw { get; } = new();

    public static async Task<PlatformTestbed> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var clock = new TestClock();
        var clientId = "sandbox_" + Guid.NewGuid().ToString("N");
        var sandbox = await SandboxHost.StartAsync(configure, clock);
        return new PlatformTestbed(sandbox, clock, clientId, "secret-" + Guid.NewGuid().ToString("N"));
    }

    public Uri Url(string path) => new(Connection.BaseUrl, path);

    public async Task<string> TokenAsync()
    {
        using var response = await Raw.PostAsync(Url("oauth/token"), new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", Connection.ClientId), new("client_secret", Connection.ClientSecret)]));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>POST /v1/flows as the wire carries it, with whatever sha256 the test claims.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> PostFlowAsync(byte[] file, string trackingId, string? claimedSha256, string syntax = "CII")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("v1/flows"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        var info = new JsonObject { ["name"] = "invoice.xml", ["flowSyntax"] = syntax, ["processingRule"] = "B2B", ["trackingId"] = trackingId, ["sha256"] = claimedSha256 };
        request.Content = new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", "invoice.xml" },
            { new StringContent(info.ToJsonString(), Encoding.UTF8, "application/json"), "flowInfo" },
        };
        using var response = await Raw.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static FlowSubmission Cii(string trackingId, byte[] xml) =>
        new("invoice.xml", "CII", "B2B", "CIUS", trackingId, xml, "invoice.xml", "text/xml");

    /// <summary>A small CII invoice: number, seller SIREN, and the buyer's SIREN unless left out.</summary>
    public static byte[] CiiXml(string number = "F-2026-0001", string? buyerSiren = "552100554", string? sellerSiren = "732829320", string buyerCountry = "FR") =>
        Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
              <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
                <ram:IncludedNote><ram:Content>B2B</ram:Content><ram:SubjectCode>BAR</ram:SubjectCode></ram:IncludedNote></rsm:ExchangedDocument>
              <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
                <ram:SellerTradeParty><ram:Name>Cabinet Martin SAS</ram:Name>{Siren(sellerSiren)}</ram:SellerTradeParty>
                <ram:BuyerTradeParty><ram:Name>Client SA</ram:Name>{Siren(buyerSiren)}<ram:PostalTradeAddress><ram:CountryID>{buyerCountry}</ram:CountryID></ram:PostalTradeAddress></ram:BuyerTradeParty>
              </ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
            </rsm:CrossIndustryInvoice>
            """);

    private static string Siren(string? siren) =>
        siren is null ? "" : $"<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{siren}</ram:ID></ram:SpecifiedLegalOrganization>";

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        Control.Dispose();
        await Sandbox.DisposeAsync();
    }
}
