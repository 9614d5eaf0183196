using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Firms;
using Portal.Tests.Fixture;

namespace Portal.Tests.Firms;

public sealed class PaymentPolicyTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_saved_policy_is_what_the_firm_then_enforces_and_payment_methods_are_kept()
    {
        var firm = await app.AFirmAsync();
        await using (var db = app.OpenDb(firm.Id))
        {
            var tracked = await db.Firms.SingleAsync();
            tracked.ChangePolicy(new PaymentPolicy { MethodsAllowed = PaymentMethods.Card });
            await db.SaveChangesAsync();
        }

        await app.AsStaffOfAsync<FirmSettings>(firm, settings => settings.SavePaymentPolicyAsync(
            new PaymentPolicyInput(true, MinimumKind.PercentOfDue, 0, 2500, PrepaymentsAllowed: false, 0, CreditAutoApply.OnIssue)));

        await using var check = app.OpenDb(firm.Id);
        var policy = (await check.Firms.SingleAsync()).Policy;
        policy.MethodsAllowed.ShouldBe(PaymentMethods.Card);
        policy.CreditAutoApply.ShouldBe(CreditAutoApply.OnIssue);
        policy.PrepaymentsAllowed.ShouldBeFalse();
        var due = new Money(10_000, Currency.FromCode("EUR"));
        policy.MinimumPartial(due).ShouldBe(new Money(2_500, due.Currency));
        Should.Throw<DomainException>(() => policy.EnsurePayable(new Money(2_499, due.Currency), due));
        var audit = await check.AuditEntries.SingleAsync();
        (audit.Action, audit.UserId).ShouldBe(("Payment policy changed", firm.Staff.UserId));
        audit.After!.ShouldContain("credit auto-apply OnIssue");
    }

    [Fact]
    public async Task A_minimum_share_above_a_hundred_percent_is_refused_and_nothing_changes()
    {
        var firm = await app.AFirmAsync();
        var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<FirmSettings>(firm, settings => settings.SavePaymentPolicyAsync(
            new PaymentPolicyInput(true, MinimumKind.PercentOfDue, 0, 12_000, true, 0, CreditAutoApply.Off))));
        refused.Message.ShouldContain("100%");

        await using var db = app.OpenDb(firm.Id);
        (await db.Firms.SingleAsync()).Policy.PartialMinimumKind.ShouldBe(MinimumKind.None);
        (await db.AuditEntries.CountAsync()).ShouldBe(0);
    }
}
