using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Account;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Integrations;
using Portal.Payments;
using Portal.Providers.GoCardless;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

/// <summary>
/// Bad input is a clear answer, never a 500: every page and GET endpoint of the app (read from its own endpoint table,
/// so a new page is swept without being listed here), as every role, with malformed and foreign ids, odd query strings
/// and return URLs to other sites; sign-in and the language switch with such return URLs land on the portal; a
/// provider that cannot be reached is a message with a retry.
/// </summary>
public sealed class NoServerErrorTests(NoServerErrorTests.UnreachableGoCardlessApp app) : IClassFixture<NoServerErrorTests.UnreachableGoCardlessApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> ForeignReturnUrls => ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)", "https:evil.example"];

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task Signing_in_with_a_return_url_to_another_site_lands_on_the_portal(string returnUrl)
    {
        var firm = await app.AFirmAsync();
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login",
            new() { ["Input.Email"] = firm.Owner.Email, ["Input.Password"] = firm.Owner.Password });

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ShouldStayOnThePortal(response.Headers.Location!);
        (await visitor.GetPageAsync("/staff")).Status.ShouldBe(HttpStatusCode.OK, "the sign-in worked");
    }

    [Fact]
    public async Task Signing_in_with_a_local_return_url_goes_back_there()
    {
        var firm = await app.AFirmAsync();
        using var visitor = app.AnonymousSession();
        var response = await visitor.SubmitFormAsync("/Account/Login?ReturnUrl=staff%2Fclients", "login",
            new() { ["Input.Email"] = firm.Owner.Email, ["Input.Password"] = firm.Owner.Password });

        var location = new Uri(app.BaseUrl, response.Headers.Location!);
        (location.Authority, location.PathAndQuery).ShouldBe((app.BaseUrl.Authority, "/staff/clients"));
    }

    [Fact]
    public async Task A_backslash_sent_percent_encoded_is_refused_too()
    {
        var firm = await app.AFirmAsync();
        using var visitor = app.AnonymousSession();
        var signIn = await visitor.SubmitFormAsync("/Account/Login?ReturnUrl=/%5Cevil.example/", "login",
            new() { ["Input.Email"] = firm.Owner.Email, ["Input.Password"] = firm.Owner.Password });
        var culture = await visitor.GetAsync("/culture/en?redirectUri=/%5Cevil.com");

        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ShouldStayOnThePortal(signIn.Headers.Location!);
        new Uri(app.BaseUrl, signIn.Headers.Location!).AbsolutePath.ShouldBe("/");
        culture.Headers.Location!.ToString().ShouldBe("/");
    }

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task The_language_switch_with_a_return_url_to_another_site_lands_on_the_portal(string redirectUri)
    {
        using var visitor = app.AnonymousSession();
        var response = await visitor.GetAsync($"/culture/en?redirectUri={Uri.EscapeDataString(redirectUri)}");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/");
    }

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task Signing_out_with_a_return_url_to_another_site_lands_on_the_portal(string returnUrl)
    {
        var firm = await app.AFirmAsync();
        using var owner = await app.SignInAsync(firm.Owner);
        var (_, page) = await owner.GetPageAsync("/staff");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        antiforgery.ShouldNotBeEmpty("the sign-out form carries its antiforgery token");

        using var response = await owner.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", WebUtility.HtmlDecode(antiforgery)), new("ReturnUrl", returnUrl)]));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/");
        (await owner.GetAsync("/staff")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "signed out");
    }

    [Fact]
    public async Task Mandate_import_says_gocardless_cannot_be_reached_and_offers_a_retry()
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<GoCardlessConnector>(firm, connector =>
            connector.ConnectAsync(new GoCardlessConnectionInput(ProviderMode.Test, "sandbox_" + Guid.NewGuid().ToString("N"), "gc_webhook_secret")));
        using var owner = await app.SignInAsync(firm.Owner);

        var (status, page) = await owner.GetPageAsync("/staff/direct-debit/import");

        status.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("GoCardless could not be reached just now");
        page.ShouldContain("data-testid=\"retry\"");
    }

    [Fact]
    public async Task No_page_or_endpoint_answers_500_to_any_role_with_malformed_or_foreign_ids_and_odd_queries()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var admin = await app.AUserAsync($"admin@{firm.Key}.test", "Admin", Roles.Admin, firm.Id, null);
        var other = await app.AFirmAsync();
        var otherClient = await app.AClientAsync(other);
        var otherInvoice = await app.AnInvoice(otherClient).WithLine("Theirs", 1, 120_00).IssuedAsync();
        var ownInvoice = await app.AnInvoice(client).WithLine("Ours", 1, 80_00).IssuedAsync();
        var otherPayment = await app.AsProviderForAsync<ProviderPayments, MoneyResult>(other, p => p.InitiateAsync(new(otherClient.Id, PaymentMethod.Card, PaymentProvider.Stripe,
            [new InvoiceAmount(otherInvoice.Id, new Money(120_00, otherClient.Currency))], null, MoneyChecks.NewKey())));

        var paths = Paths([otherClient.Id, otherInvoice.Id, otherPayment.Id!.Value, Guid.NewGuid(), ownInvoice.Id]).ToList();
        paths.Count.ShouldBeGreaterThan(100, "the sweep found the app's pages");

        var failures = new List<string>();
        var sessions = new (string Role, PortalSession Session)[]
        {
            ("anonymous", app.AnonymousSession()),
            ("client", await app.SignInAsync(client.Contact)),
            ("staff", await app.SignInAsync(firm.Staff)),
            ("admin", await app.SignInAsync(admin)),
            ("owner", await app.SignInAsync(firm.Owner)),
        };
        foreach (var (role, session) in sessions)
        {
            using (session)
            {
                foreach (var path in paths)
                {
                    using var response = await session.GetAsync(path);
                    if ((int)response.StatusCode >= 500)
                        failures.Add($"{role} GET {path}: {(int)response.StatusCode}");
                    else if (response.Headers.Location is { } location && LeavesThePortal(location))
                        failures.Add($"{role} GET {path}: redirected to {location}");
                }
            }
        }
        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    /// <summary>Every GET route of the app, each route value filled with malformed and foreign values, with and without odd queries.</summary>
    private IEnumerable<string> Paths(IReadOnlyList<Guid> ids)
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                || (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) ?? false))
            .Select(e => e.RoutePattern)
            .Where(p => p.RawText is { } raw && !raw.Contains('.', StringComparison.Ordinal)
                && !raw.StartsWith("/_", StringComparison.Ordinal) && !raw.StartsWith("_", StringComparison.Ordinal)
                && !raw.TrimStart('/').StartsWith("sandbox", StringComparison.OrdinalIgnoreCase)
                && !raw.TrimStart('/').StartsWith("hubs", StringComparison.OrdinalIgnoreCase)
                && !raw.TrimStart('/').StartsWith("health", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(p => p.RawText)
            .ToList();
        const string oddQuery = "?invoice=not-a-guid&client=%00&cancelled=perhaps&rememberMe=maybe&attempt=%ZZ&code=%25%25"
            + "&ReturnUrl=https%3A%2F%2Fevil.example%2F&returnUrl=%2F%2Fevil.example%2F&redirectUri=%2F%5Cevil.com&page=-1&from=9999-99-99";
        foreach (var route in routes)
        {
            var values = route.Parameters.Count == 0
                ? [""]
                : ids.Select(id => id.ToString()).Concat(["not-a-guid", "%00", "x'--", new string('a', 300), "..%2F..%2Fetc"]).ToList();
            foreach (var value in values)
            {
                var path = "/" + string.Join('/', route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => value,
                    _ => "",
                }))));
                yield return path;
                yield return path + oddQuery;
            }
        }
    }

    private void ShouldStayOnThePortal(Uri location) => LeavesThePortal(location).ShouldBeFalse($"went to {location}");

    private bool LeavesThePortal(Uri location)
    {
        var resolved = new Uri(app.BaseUrl, location);
        return resolved.Host != app.BaseUrl.Host || resolved.Port != app.BaseUrl.Port || location.OriginalString.StartsWith("//", StringComparison.Ordinal)
            || location.OriginalString.Contains('\\', StringComparison.Ordinal);
    }

    /// <summary>Portal whose GoCardless (test environment) address is a loopback port where nothing listens.</summary>
    public sealed class UnreachableGoCardlessApp : PortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("GoCardless:SandboxUrl", $"http://127.0.0.1:{UnusedPort()}/");
            builder.UseSetting("GoCardless:MaxAttempts", "1");
        }

        private static int UnusedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
