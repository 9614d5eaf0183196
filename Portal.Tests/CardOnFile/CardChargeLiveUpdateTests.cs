using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.CardOnFile;
using Portal.Live;
using Portal.Tests.Fixture;
using Portal.Tests.Live;
using Portal.Tests.Stripe;
using Stripe;

namespace Portal.Tests.CardOnFile;

/// <summary>
/// An automatic card charge is saved after its payment, so the client's open pages hear of the charge itself: a page
/// that re-read on the payment's update alone could be left showing "Being charged" for good.
/// </summary>
public sealed class CardChargeLiveUpdateTests(StripePortalApp app) : IClassFixture<StripePortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_client_hears_the_charge_planned_and_then_paid()
    {
        var firm = await app.AFirmAsync();
        var stripe = await CardPaymentDriver.ConnectAsync(app, firm);
        var client = await app.AClientAsync(firm);
        var first = await app.AnInvoice(client).WithLine("Onboarding", 1, 90_00).IssuedAsync();
        await stripe.ChooseAsync(await stripe.StartAsync(client, [new(first.Id, client.Amount(90_00))], saveCard: true), "pay");
        await stripe.ApplyWebhooksAsync(EventTypes.CheckoutSessionCompleted);
        var next = await app.AnInvoice(client).WithLine("Monthly bookkeeping", 1, 240_00).DueInDays(10).IssuedAsync();
        while (await FirmTodayAsync(firm) < next.DueDate)
            ((TestClock)app.Clock).Advance(TimeSpan.FromHours(6));
        // Signed in once the days have passed, as the client coming back would be.
        using var session = await app.SignInAsync(client.Contact);
        await using var listener = await LiveListener.ConnectAsync(app.BaseUrl, session);

        // Planning changes no payment and no invoice: only the charge says the next charge is now planned.
        (await app.AsStaffOfAsync<CardChargeRun, int>(firm, run => run.PlanDueAsync())).ShouldBe(1);
        var planned = await listener.WaitForAsync(u => u.SubjectId == next.Id && u.Status == "CardChargePlanned");
        (planned.Kind, planned.ClientAccountId).ShouldBe((LiveKind.Invoice, (Guid?)client.Id));

        (await app.Services.GetRequiredService<CardAutoCharges>().RunAsync()).ShouldBe(1);
        await listener.WaitForAsync(u => u.SubjectId == next.Id && u.Status == "CardChargePaid");
    }

    private async Task<DateOnly> FirmTodayAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return (await db.Firms.AsNoTracking().SingleAsync()).LocalToday(app.Clock.GetUtcNow());
    }
}
