using System.Diagnostics;
using System.Reflection;
using Deque.AxeCore.Commons;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Account;
using Portal.Demo;
using Portal.Domain.Invoices;
using Portal.Invoices.Delivery;
using Portal.Tests.Fixture;
using Xunit.Abstractions;

namespace Portal.Tests.Browser;

/// <summary>
/// Every page of the app, found from its own <c>@page</c> routes, checked by axe-core against WCAG 2.2 AA as the person
/// who uses it: in English on a desktop and in French on a 390×844 phone. Any serious or critical violation fails, and
/// so does a page without a title or without exactly one h1, or a French page showing English the app has a French
/// wording for.
/// </summary>
[Collection(AccessibilitySweepCollection.Name)]
public sealed class AccessibilityTests(Fixture.Browser browser, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    /// <summary>Routes not visited, each with the reason. Keep this short: a page listed here is a page nobody checks.</summary>
    private static readonly Dictionary<string, string> NotVisited = new()
    {
        // A guest's payment in flight needs a card payment started on a pay link; the page is /pay/guest's own
        // component with the payment's status added, and /pay/guest is visited.
        ["/pay/guest/payments/{PaymentId:guid}"] = "the guest pay page itself (/pay/guest) is visited",
        ["/pay/guest/all/payments/{PaymentId:guid}"] = "the guest page of a link over several invoices itself (/pay/guest/all) is visited",
    };

    /// <summary>
    /// Every page in English on a desktop and in French (the longer words) on a 390×844 phone. The screen size changes
    /// the markup and the language changes only the words, so these two visits meet every rule axe applies: French on
    /// a desktop too would check the desktop's markup a second time, and English on a phone the phone's, at a third of
    /// the sweep's time.
    /// </summary>
    private static readonly (string Language, int Width, int Height)[] Settings = [("en", 1280, 900), ("fr", 390, 844)];

    private readonly DemoSandboxPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Every_page_has_no_serious_wcag_violation_a_title_and_one_h1_in_english_and_french_on_desktop_and_phone_and_no_english_left_in_french()
    {
        // The French check below has the app's English texts to look for (the resources load, their wording is known).
        EnglishOnlyPhrases.Value.ShouldContain("Something went wrong");
        EnglishOnlyPhrases.Value.Count.ShouldBeGreaterThan(300);
        var paths = await RealPathsAsync();
        var routes = AppRoutes().ToList();
        var unresolved = routes.Where(r => r.Template.Contains('{', StringComparison.Ordinal) && !paths.ContainsKey(r.Template) && !NotVisited.ContainsKey(r.Template)).ToList();
        unresolved.ShouldBeEmpty("A route with parameters needs a real id in RealPathsAsync (or a reason in NotVisited): "
            + string.Join(", ", unresolved.Select(r => r.Template)));

        var visits = routes.Where(r => !NotVisited.ContainsKey(r.Template))
            .Select(r => r with { Path = paths.GetValueOrDefault(r.Template, r.Template) })
            .ToList();
        await AxeSeesAViolationAsync();
        var clock = Stopwatch.StartNew();
        // One browser; a context per visitor, signed in once and reused for every page, language and screen size.
        var problems = new List<string>();
        foreach (var visitor in visits.GroupBy(v => v.Visitor))
        {
            var page = await PageForAsync(visitor.Key);
            foreach (var (language, width, height) in Settings)
            {
                await page.Context.AddCookiesAsync([CultureCookie(language)]);
                await page.SetViewportSizeAsync(width, height);
                foreach (var visit in visitor)
                {
                    var started = clock.Elapsed;
                    var found = (await CheckAsync(page, visit, $"{language} {width}x{height}")).ToList();
                    // Once per page in French: no English text the app has a French wording for.
                    if (language == "fr")
                        found.AddRange(await EnglishLeftoversAsync(page, visit));
                    problems.AddRange(found);
                    // Progress while it runs: a slow or failing page shows here at once, not only at the end.
                    Console.WriteLine($"axe {visit.Path} {language} {width}x{height}: {found.Count} problems, {(clock.Elapsed - started).TotalSeconds:0.0} s");
                    foreach (var problem in found)
                        Console.WriteLine("  " + problem);
                }
            }
            await page.Context.CloseAsync();
        }
        output.WriteLine($"axe sweep: {visits.Count} pages × {Settings.Length} in {clock.Elapsed.TotalSeconds:0} s");
        if (problems.Count > 0)
            Assert.Fail($"{problems.Count} accessibility problems (rule, impact, element):\n" + string.Join("\n", problems));
    }

    private async Task<IEnumerable<string>> CheckAsync(IPage page, Visit visit, string setting)
    {
        var where = $"{visit.Path} ({visit.Template}) as {visit.Visitor}, {setting}";
        var response = await page.GotoAsync(visit.Path);
        if (response is { Status: >= 500 })
            return [$"{where}: HTTP {response.Status}"];
        if (visit.Interactive && !page.Url.Contains("/Account/", StringComparison.Ordinal))
            await page.WaitForInteractiveAsync();
        // Pages read their data once the circuit runs; the heading is there once the page has rendered.
        try { await page.Locator("h1").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5_000 }); }
        catch (TimeoutException) { }
        return await ProblemsOnPageAsync(page, where);
    }

    /// <summary>What the sweep fails a page for: a serious or critical violation, no title, or not exactly one h1.</summary>
    private static async Task<List<string>> ProblemsOnPageAsync(IPage page, string where)
    {
        var problems = new List<string>();
        foreach (var violation in await FailingViolationsAsync(page))
            foreach (var node in violation.Nodes)
                problems.Add($"{where}: {violation.Id} ({violation.Impact}) at {node.Target}: {violation.Help} | {Shorten(node.Html)}");
        if (string.IsNullOrWhiteSpace(await page.TitleAsync()))
            problems.Add($"{where}: the page has no title");
        var headings = await page.Locator("h1").CountAsync();
        if (headings != 1)
            problems.Add($"{where}: {headings} h1 headings, expected exactly one");
        return problems;
    }

    /// <summary>axe-core as its package bundles it, put into each page that does not have it yet.</summary>
    private static readonly Lazy<string> AxeSource = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// The serious and critical WCAG violations axe-core finds on the page. axe runs in the page and hands back only
    /// those: the Playwright package's <c>RunAxe</c> brought every rule's passes and nodes back to .NET, which took about 1.8 s
    /// a page for a check that takes 0.05 s in Chromium, and made up most of the sweep's time. Iframes are left out:
    /// the app's only ones are sandboxed previews of an email (its own HTML, where scripts are not allowed, so axe
    /// cannot run inside them and would wait for them forever).
    /// </summary>
    internal static async Task<IReadOnlyList<AxeViolation>> FailingViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync(AxeSource.Value);
        var json = await page.EvaluateAsync<string>("""
            async ([tags, impacts]) => {
                const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes: false, resultTypes: ['violations'] });
                return JSON.stringify(result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html })),
                })));
            }
            """, new object[] { WcagTags, FailingImpacts });
        return System.Text.Json.JsonSerializer.Deserialize<AxeViolation[]>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    /// <summary>
    /// The page now open, as it is, checked on a desktop and on a 390×844 phone, then put back at its size: for pages
    /// the sweep cannot reach by a path, such as a provider's hosted page, which exists only inside a payment.
    /// </summary>
    internal static async Task ShouldHaveNoSeriousViolationAsync(IPage page)
    {
        var size = page.ViewportSize;
        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 900), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            problems.AddRange(await ProblemsOnPageAsync(page, $"{page.Url} at {width}x{height}"));
        }
        if (size is not null)
            await page.SetViewportSizeAsync(size.Width, size.Height);
        problems.ShouldBeEmpty();
    }

    /// <summary>The check itself can fail: an image without a text alternative, put on a page, is found and named.</summary>
    private async Task AxeSeesAViolationAsync()
    {
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.GotoAsync("/Account/Login");
        await page.EvaluateAsync("() => document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,\">')");
        var found = await FailingViolationsAsync(page);
        found.ShouldContain(v => v.Id == "image-alt" && v.Impact == "critical" && v.Nodes.Any(n => n.Html.StartsWith("<img", StringComparison.Ordinal)));
        await page.Context.CloseAsync();
    }

    internal sealed record AxeViolation(string Id, string Impact, string Help, AxeNode[] Nodes);

    internal sealed record AxeNode(string Target, string Html);

    /// <summary>
    /// Phrases of the app's English texts (its resources) that read differently in French: seen on a French page, they
    /// are a string the page forgot to translate. Fragments between placeholders, of three words or more, so that a
    /// word French shares with English ("Date", "Total") or a client's own data cannot match.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<string>> EnglishOnlyPhrases = new(() =>
    {
        var french = System.Globalization.CultureInfo.GetCultureInfo("fr");
        var phrases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "Portal.Localization.Text", "Portal.Localization.Errors" })
        {
            var resources = new System.Resources.ResourceManager(name, typeof(Program).Assembly);
            var english = resources.GetResourceSet(System.Globalization.CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
            foreach (System.Collections.DictionaryEntry entry in english)
            {
                if (entry.Value is not string value || resources.GetString((string)entry.Key, french) is not { } translated || translated == value)
                    continue;
                foreach (var fragment in System.Text.RegularExpressions.Regex.Split(value, @"\{\d+[^}]*\}|\n"))
                {
                    var phrase = fragment.Trim(' ', '.', ',', ':', ';', '(', ')', '"', '—');
                    if (phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3 && !translated.Contains(phrase, StringComparison.Ordinal))
                        phrases.Add(phrase);
                }
            }
        }
        return [.. phrases];
    });

    private static async Task<IEnumerable<string>> EnglishLeftoversAsync(IPage page, Visit visit)
    {
        // All of the page's text, shown or not at this screen size (a menu folded away on a phone is still the page's),
        // with its spacing as a reader sees it.
        var text = await page.EvaluateAsync<string>(@"() => {
            const body = document.body.cloneNode(true);
            body.querySelectorAll('script, style, template, noscript').forEach(e => e.remove());
            return body.textContent.replace(/\s+/g, ' ');
        }");
        return EnglishOnlyPhrases.Value.Where(p => text.Contains(p, StringComparison.Ordinal))
            .Select(p => $"{visit.Path} as {visit.Visitor}, fr: English left on a French page: \"{p}\"");
    }

    private static string Shorten(string html) => html.Length <= 160 ? html : html[..160] + "…";

    /// <summary>Every routed component in the app, with who uses it and whether it runs interactively.</summary>
    private static IEnumerable<Visit> AppRoutes() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract)
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => new Visit(r.Template, r.Template, VisitorFor(t, r.Template),
                !t.IsDefined(typeof(ExcludeFromInteractiveRoutingAttribute), inherit: true))))
            .OrderBy(v => v.Template, StringComparer.Ordinal);

    /// <summary>The visitor a page is for, from its [Authorize] attributes (a folder's and the page's own).</summary>
    private static Visitor VisitorFor(Type page, string template)
    {
        var policies = page.GetCustomAttributes<AuthorizeAttribute>(inherit: true).Select(a => a.Policy).ToList();
        if (policies.Count == 0)
            return template.StartsWith("/pay/guest/all", StringComparison.Ordinal) ? Visitor.GuestOfSeveral
                : template.StartsWith("/pay/guest", StringComparison.Ordinal) ? Visitor.Guest : Visitor.Anonymous;
        if (policies.Contains(Policies.Client))
            return Visitor.Client;
        // Firm admin, owner and books pages: the owner may see them all.
        return policies.Any(p => p is not (null or Policies.Staff)) ? Visitor.Owner : Visitor.Staff;
    }

    /// <summary>Real paths for routes with parameters, from the demo firm's own data.</summary>
    private async Task<Dictionary<string, string>> RealPathsAsync()
    {
        await using var db = _app.OpenDb();
        var northwind = await _app.ClientIdAsync("Northwind Traders");
        var invoices = db.Invoices.IgnoreQueryFilters().Where(i => i.ClientAccountId == northwind);
        var open = await invoices.Where(i => i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid).OrderBy(i => i.DueDate).Select(i => i.Id).FirstAsync();
        var draft = await invoices.Where(i => i.Status == InvoiceStatus.Draft).Select(i => i.Id).FirstAsync();
        var transfer = await db.Payments.IgnoreQueryFilters().Where(p => p.ClientAccountId == northwind).OrderBy(p => p.CreatedAt).Select(p => p.Id).FirstAsync();
        var transaction = await db.LedgerTransactions.IgnoreQueryFilters().Select(t => t.Id).FirstAsync();
        var schedule = await db.RecurringSchedules.IgnoreQueryFilters().Where(r => r.ClientAccountId == northwind).Select(r => r.Id).FirstAsync();
        var webhookEndpoint = await AWebhookEndpointWithADeliveryAsync(db);
        var payout = await APayoutWithAnUnmatchedItemAsync(db, transfer);
        return new()
        {
            ["/portal/invoices/{Id:guid}"] = $"/portal/invoices/{open}",
            ["/portal/payments/{Id:guid}"] = $"/portal/payments/{transfer}",
            ["/staff/clients/{Id:guid}"] = $"/staff/clients/{northwind}",
            ["/staff/clients/{Id:guid}/preview"] = $"/staff/clients/{northwind}/preview",
            ["/staff/clients/{Id:guid}/payments/new"] = $"/staff/clients/{northwind}/payments/new",
            ["/staff/invoices/{Id:guid}"] = $"/staff/invoices/{open}",
            ["/staff/invoices/{Id:guid}/edit"] = $"/staff/invoices/{draft}/edit",
            // The demo has no card payment: the refund page then says so, which is what it shows most staff.
            ["/staff/payments/{Id:guid}/refund"] = $"/staff/payments/{transfer}/refund",
            ["/staff/payments/{Id:guid}/correct"] = $"/staff/payments/{transfer}/correct",
            ["/books/accounts/{Account}"] = "/books/accounts/411",
            ["/books/transactions/{Id:guid}"] = $"/books/transactions/{transaction}",
            ["/books/payouts/{Id:guid}"] = $"/books/payouts/{payout}",
            ["/staff/recurring/{Id:guid}"] = $"/staff/recurring/{schedule}",
            ["/staff/settings/webhook-endpoints/{Id:guid}"] = $"/staff/settings/webhook-endpoints/{webhookEndpoint}",
            // Tokens that are not (or no longer) valid: these pages then show their "this link does not work" state,
            // the one a visitor meets when a link has been used or has expired.
            ["/Account/AcceptInvitation/{Token}"] = "/Account/AcceptInvitation/not-a-valid-invitation",
            ["/Account/MagicLink/{Token}"] = "/Account/MagicLink/not-a-valid-link",
        };
    }

    /// <summary>
    /// The demo firm's endpoint for issued invoices, with the delivery of one of its invoices: the deliveries page then
    /// shows a row with its request body, as it does for an owner who has one.
    /// </summary>
    private async Task<Guid> AWebhookEndpointWithADeliveryAsync(Portal.Data.PortalDbContext db)
    {
        var demo = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == DemoData.FirmKey);
        var secrets = _app.Services.GetRequiredService<Portal.OutgoingWebhooks.WebhookSecrets>();
        var endpoint = new Portal.Domain.OutgoingWebhooks.WebhookEndpoint(demo.Id, new Uri("https://hooks.example.com/portal"), "Accounting sync",
            [Portal.Domain.OutgoingWebhooks.OutgoingEventTypes.InvoiceIssued], secrets.Protect("whsec_accessibility"), "whsec_…lity", _app.Clock.GetUtcNow());
        db.WebhookEndpoints.Add(endpoint);
        var issued = await db.OutgoingEvents.IgnoreQueryFilters().AsNoTracking()
            .FirstAsync(e => e.FirmId == demo.Id && e.Type == Portal.Domain.OutgoingWebhooks.OutgoingEventTypes.InvoiceIssued);
        db.WebhookDeliveries.Add(new Portal.Domain.OutgoingWebhooks.WebhookDelivery(issued, endpoint, _app.Clock.GetUtcNow()));
        await db.SaveChangesAsync();
        return endpoint.Id;
    }

    /// <summary>
    /// A Stripe payout of the demo firm with a matched payment, its fee and a charge Portal does not know: the payout
    /// page then shows every kind of row and the unmatched flag.
    /// </summary>
    private async Task<Guid> APayoutWithAnUnmatchedItemAsync(Portal.Data.PortalDbContext db, Guid paymentId)
    {
        var demo = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == DemoData.FirmKey);
        var payment = await db.Payments.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.Id == paymentId);
        var currency = payment.Currency;
        var now = _app.Clock.GetUtcNow();
        var lines = new[]
        {
            new Portal.Domain.Payouts.PayoutLine(Portal.Domain.Payouts.PayoutItemKind.Payment, "ch_accessibility_ours", payment.Amount, payment.Id),
            new Portal.Domain.Payouts.PayoutLine(Portal.Domain.Payouts.PayoutItemKind.Fee, "txn_accessibility_fee", new Portal.Domain.Money(-1_25, currency), payment.Id),
            new Portal.Domain.Payouts.PayoutLine(Portal.Domain.Payouts.PayoutItemKind.Payment, "ch_accessibility_elsewhere", new Portal.Domain.Money(40_00, currency), null),
        };
        var net = payment.Amount + new Portal.Domain.Money(40_00 - 1_25, currency);
        var booking = Portal.Domain.Payments.Settlement.RecordPayout(demo.Id, Portal.Domain.Payments.PaymentProvider.Stripe, net, "po_accessibility", "accessibility:payout", now);
        var payout = Portal.Domain.Payouts.ProviderPayout.Paid(demo.Id, Portal.Domain.Payments.PaymentProvider.Stripe, "po_accessibility", net,
            DateOnly.FromDateTime(now.UtcDateTime), lines, booking, now);
        db.LedgerTransactions.Add(booking);
        db.ProviderPayouts.Add(payout);
        await db.SaveChangesAsync();
        return payout.Id;
    }

    private async Task<IPage> PageForAsync(Visitor visitor)
    {
        var page = await browser.NewPageAsync(_app.BaseUrl);
        switch (visitor)
        {
            case Visitor.Client:
                await page.SignInAsync("anna@northwind.example", DemoData.Password);
                break;
            case Visitor.Staff:
                await page.SignInAsync("staff@demo.portal", DemoData.Password);
                break;
            case Visitor.Owner:
                await page.SignInAsync("owner@demo.portal", DemoData.Password);
                break;
            case Visitor.Guest:
                await OpenGuestPayLinkAsync(page);
                break;
            case Visitor.GuestOfSeveral:
                await OpenGuestPayLinkOverSeveralInvoicesAsync(page);
                break;
            case Visitor.Anonymous:
                break;
        }
        return page;
    }

    /// <summary>A guest holding the pay link of an emailed invoice, where the firm lets guests pay.</summary>
    private async Task OpenGuestPayLinkAsync(IPage page)
    {
        var firmId = await LetGuestsPayAsync();
        var invoiceId = await _app.InvoiceIdAsync(await _app.OldestOpenInvoiceAsync("Maison Dupont"));
        _app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = _app.BaseUrl.ToString();
        var firm = new TestFirm(firmId, DemoData.FirmKey, null!, new TestLogin(await StaffIdAsync(), "staff@demo.portal", DemoData.Password));
        var sent = await _app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoiceId));
        await page.GotoAsync(await _app.LinkDeliveredToAsync(sent.Recipient!, "/pay/"));
        await page.WaitForPageAsync("/pay/guest$");
    }

    /// <summary>A guest holding a statement's link over the open invoices of a client, where the firm lets guests pay.</summary>
    private async Task OpenGuestPayLinkOverSeveralInvoicesAsync(IPage page)
    {
        var firmId = await LetGuestsPayAsync();
        var dupont = await _app.ClientIdAsync("Maison Dupont");
        string token;
        await using (var db = _app.OpenDb(firmId))
        {
            var client = await db.ClientAccounts.SingleAsync(c => c.Id == dupont);
            await using var scope = _app.Services.CreateAsyncScope();
            (token, _) = scope.ServiceProvider.GetRequiredService<Portal.PayLinks.PayLinks>()
                .IssueForClient(db, client, client.Currency, Portal.PayLinks.PayLinkScope.OpenInvoices, "", Guid.Empty);
            await db.SaveChangesAsync();
        }
        await page.GotoAsync($"/pay/{token}");
        await page.WaitForPageAsync("/pay/guest/all$");
    }

    /// <summary>The demo firm lets guests pay (and emails no invoice on its own); returns its id.</summary>
    private async Task<Guid> LetGuestsPayAsync()
    {
        await using var db = _app.OpenDb();
        var demo = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == DemoData.FirmKey);
        demo.ChangeDelivery(emailInvoicesWhenIssued: false, guestPayAllowed: true);
        await db.SaveChangesAsync();
        return demo.Id;
    }

    private async Task<string> StaffIdAsync()
    {
        await using var db = _app.OpenDb();
        return await db.Users.Where(u => u.Email == "staff@demo.portal").Select(u => u.Id).SingleAsync();
    }

    private Cookie CultureCookie(string language) => new()
    {
        Name = ".AspNetCore.Culture",
        Value = Uri.EscapeDataString($"c={(language == "fr" ? "fr-FR" : "en-GB")}|uic={language}"),
        Url = _app.BaseUrl.ToString(),
    };

    private enum Visitor { Anonymous, Guest, GuestOfSeveral, Client, Staff, Owner }

    private sealed record Visit(string Template, string Path, Visitor Visitor, bool Interactive);
}
