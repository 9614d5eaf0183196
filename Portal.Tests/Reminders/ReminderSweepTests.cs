using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Reminders;
using Portal.Email;
using Portal.Firms;
using Portal.Reminders;
using Portal.Tests.Documents;
using Portal.Tests.Email;
using Portal.Tests.Fixture;

namespace Portal.Tests.Reminders;

/// <summary>The sweep on one instance, with mail over real SMTP: who is reminded, who is not, once, and with a pay link that works.</summary>
public sealed class ReminderSweepTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_overdue_invoice_is_reminded_once_with_a_working_pay_link_and_none_of_the_never_remind_cases_is()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var overdue = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        // A paid invoice, of a client of its own so that its receipt is not in the way.
        var payer = await app.AClientAsync(firm);
        var paid = await app.AnInvoice(payer).WithLine("Payroll", 1, 90_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        await app.PayByTransferAsync(payer, paid.Id, 90_00);
        var voided = await app.AnInvoice(client).WithLine("Duplicate", 1, 50_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var held = await app.AnInvoice(client).WithLine("Special terms", 1, 70_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var processing = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 60_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var notYet = await app.AnInvoice(client).WithLine("Next month", 1, 30_00).DueInLocalDays(app, 10).IssuedAsync();
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.Invoices.SingleAsync(i => i.Id == voided.Id)).Void("Issued twice", app.Clock.GetUtcNow());
            (await db.Invoices.SingleAsync(i => i.Id == processing.Id)).AddPending(client.Amount(60_00));
            await db.SaveChangesAsync();
        }
        await app.AsStaffOfAsync<ReminderSettings>(firm, s => s.SetInvoiceAsync(held.Id, doNotRemind: true));
        // A client with no address to write to, and one whose credit the firm's automatic use will spend on the invoice.
        var silent = await app.AClientAsync(firm);
        var silentInvoice = await app.AnInvoice(silent).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var covered = await app.AClientAsync(firm);
        var coveredInvoice = await app.AnInvoice(covered).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        await app.GiveCreditAsync(covered, 250_00);
        await using (var db = app.OpenDb(firm.Id))
        {
            (await db.ClientAccounts.SingleAsync(c => c.Id == silent.Id)).OptOutOfInvoiceEmails(true);
            await db.SaveChangesAsync();
        }
        await app.AsStaffOfAsync<FirmSettings>(firm, s => s.SavePaymentPolicyAsync(new PaymentPolicyInput(true, MinimumKind.None, 0, 0, true, 0, CreditAutoApply.OnDueDate)));

        (await app.Sweeper().SweepAsync()).ShouldBe((1, 1));
        (await app.Sweeper().SweepAsync()).ShouldBe((0, 0));

        var reminder = (await app.RemindersOfAsync(firm)).ShouldHaveSingleItem();
        reminder.InvoiceId.ShouldBe(overdue.Id);
        reminder.Step.ShouldBe(ReminderStep.Overdue);
        reminder.Status.ShouldBe(ReminderStatus.Sent);
        var mail = (await app.Smtp.WaitForAsync(billing)).ShouldHaveSingleItem();
        (mail.Subject ?? "").ShouldBe($"Overdue: invoice {overdue.Number} from Firm {firm.Key}, €480.00 due");
        var token = ReminderTestKit.PayLinkToken(mail.TextBody ?? "");
        (mail.HtmlBody ?? "").ShouldContain(token);
        var link = await app.Services.GetRequiredService<Portal.PayLinks.PayLinks>().CheckAsync(token);
        link.IsValid.ShouldBeTrue();
        link.Invoice!.Id.ShouldBe(overdue.Id);
        // Sent emails keep the copy without the key to the invoice.
        (await app.ReminderEmailsAsync(firm)).ShouldHaveSingleItem().TextBody.ShouldNotContain(token);
        await using (var db = app.OpenDb(firm.Id))
            (await db.Set<Portal.Domain.Invoices.InvoiceTimelineEntry>().CountAsync(e => e.InvoiceId == overdue.Id && e.Kind == Portal.Domain.Invoices.InvoiceTimelineKind.Reminded)).ShouldBe(1);

        await app.DrainOutboxAsync(firm);
        app.Smtp.To(billing).Count.ShouldBe(1);
        app.Smtp.To(await app.BillingEmailAsync(payer)).Where(m => (m.Subject ?? "").StartsWith("Overdue", StringComparison.Ordinal)).ShouldBeEmpty();
        app.Smtp.To(await app.BillingEmailAsync(silent)).ShouldBeEmpty();
        app.Smtp.To(await app.BillingEmailAsync(covered)).Where(m => (m.Subject ?? "").StartsWith("Overdue", StringComparison.Ordinal)).ShouldBeEmpty();
        _ = (notYet, silentInvoice, coveredInvoice);
    }

    [Fact]
    public async Task A_payment_arriving_between_the_sweep_and_the_send_cancels_the_queued_reminder()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm);
        var client = await app.AClientAsync(firm);
        var invoice = await app.AnInvoice(client).WithLine("Tax return", 1, 150_00).DueInLocalDays(app, 0).IssuedAsync();

        (await app.Sweeper().DecideAsync()).ShouldBe(1);
        (await app.RemindersOfAsync(firm)).ShouldHaveSingleItem().Status.ShouldBe(ReminderStatus.Queued);
        await app.PayByTransferAsync(client, invoice.Id, 150_00);
        (await app.Sweeper().SendQueuedAsync()).ShouldBe(0);

        var reminder = (await app.RemindersOfAsync(firm)).ShouldHaveSingleItem();
        reminder.Status.ShouldBe(ReminderStatus.Cancelled);
        reminder.CancelledBecause.ShouldBe(CannotRemind.Paid);
        (await app.ReminderEmailsAsync(firm)).ShouldBeEmpty();
        // The sweep does not decide that step again, paid or not.
        (await app.Sweeper().DecideAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Send_reminder_now_emails_the_step_the_invoice_is_at_and_refuses_one_that_may_not_be_reminded_with_the_reason()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm, p => p.LateInterestShown = true);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var late = await app.AnInvoice(client).WithLine("Consulting", 1, 1_000_00).DueInLocalDays(app, -20, issuedDaysAgo: 60).IssuedAsync();
        var payer = await app.AClientAsync(firm);
        var paid = await app.AnInvoice(payer).WithLine("Payroll", 1, 90_00).IssuedAsync();
        await app.PayByTransferAsync(payer, paid.Id, 90_00);

        (await app.AsStaffOfAsync<ReminderSender, string>(firm, s => s.SendNowAsync(late.Id))).ShouldBe(billing);
        var mail = (await app.Smtp.WaitForAsync(billing)).ShouldHaveSingleItem();
        (mail.Subject ?? "").ShouldBe($"Second notice: invoice {late.Number} from Firm {firm.Key} is overdue");
        // 20 days late on €1,000.00 at 12.15 % a year: €6.66 of interest, and the €40.00 indemnity.
        (mail.TextBody ?? "").ShouldContain("interest of €6.66 (12.15% a year over 20 days) and a fixed recovery indemnity of €40.00: €46.66 in all");
        ReminderTestKit.PayLinkToken(mail.TextBody ?? "");

        var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<ReminderSender, string>(firm, s => s.SendNowAsync(paid.Id)));
        refused.Message.ShouldBe("This invoice is paid: there is nothing to remind.");
        var reminders = await app.RemindersOfAsync(firm);
        reminders.ShouldHaveSingleItem().RequestedBy.ShouldBe($"Staff {firm.Key}");
        // A reminder by hand does not stand in for the schedule's step.
        (await app.Sweeper().DecideAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_reminder_template_is_refused_without_its_pay_link_and_the_french_default_reads_in_french()
    {
        var firm = await app.AFirmAsync();
        var templates = app.Services.GetRequiredService<Portal.Email.Templates.EmailTemplates>();
        var kind = Portal.Email.Templates.EmailTemplateKind.ReminderFinalNotice;
        var noLink = new Portal.Email.Templates.EmailTemplateText("Final notice", "Please pay {{ invoice.number }}.", "<p>Please pay.</p>");
        (await Should.ThrowAsync<DomainException>(() => templates.SaveAsync(firm.Id, kind, "en", noLink))).Message.ShouldContain("pay link");
        var hidden = new Portal.Email.Templates.EmailTemplateText("Final notice", "{% if false %}{{ pay_link }}{% endif %}", "<p>{% if false %}{{ pay_link }}{% endif %}</p>");
        (await Should.ThrowAsync<DomainException>(() => templates.SaveAsync(firm.Id, kind, "en", hidden))).Message.ShouldContain("pay link");
        (await templates.CurrentAsync(firm.Id, kind, "en")).Custom.ShouldBeFalse();

        var eur = Currency.EUR;
        var charges = new ReminderPolicy { LateInterestShown = true }.LateChargesOn(new Money(500_00, eur), new DateOnly(2027, 1, 10), new DateOnly(2027, 2, 9));
        var model = new Portal.Email.Templates.EmailModel().Firm("Cabinet Martin").Client("Maison Dupont")
            .Invoice("INV-00042", new DateOnly(2026, 12, 10), new DateOnly(2027, 1, 10), new Money(500_00, eur), new Money(500_00, eur))
            .PayLink("https://portal.example/pay/abc").Late(charges);
        var french = await templates.RenderAsync(firm.Id, kind, System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), model);
        french.Subject.ShouldBe("Dernière relance : facture INV-00042 de Cabinet Martin");
        var fr = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");
        french.Text.ShouldContain($"indemnité forfaitaire pour frais de recouvrement de {Portal.Components.Shared.MoneyFormat.Format(new Money(40_00, eur), fr)}");
        french.Text.ShouldContain("40,00");
        french.Text.ShouldContain("https://portal.example/pay/abc");
        var english = await templates.RenderAsync(firm.Id, kind, System.Globalization.CultureInfo.GetCultureInfo("en-GB"), model);
        english.Subject.ShouldBe("Final notice: invoice INV-00042 from Cabinet Martin");
        english.Text.ShouldContain("fixed recovery indemnity of €40.00");
    }

    [Fact]
    public async Task Where_the_pay_link_cannot_take_a_card_the_reminder_gives_the_firms_bank_details_and_an_epc_qr_code_and_otherwise_it_does_not()
    {
        // A firm with an IBAN and no card provider: its client can only pay by transfer, so the reminder says how.
        var byTransfer = await app.AFirmAsync();
        await app.GiveIdentityAsync(byTransfer, DocumentFixtures.FrenchIdentity);
        await app.TurnOnRemindersAsync(byTransfer);
        var client = await app.AClientAsync(byTransfer);
        await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        // The same firm details with Stripe connected: the pay link takes the money, so no bank details.
        var byCard = await app.AFirmAsync();
        await app.GiveIdentityAsync(byCard, DocumentFixtures.FrenchIdentity);
        await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, byCard);
        await app.TurnOnRemindersAsync(byCard);
        var cardClient = await app.AClientAsync(byCard);
        await app.AnInvoice(cardClient).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();

        (await app.Sweeper().SweepAsync()).ShouldBe((2, 2));

        var transfer = (await app.Smtp.WaitForAsync(await app.BillingEmailAsync(client))).ShouldHaveSingleItem();
        var number = (await app.RemindersOfAsync(byTransfer)).ShouldHaveSingleItem().InvoiceId;
        string invoiceNumber;
        await using (var db = app.OpenDb(byTransfer.Id))
            invoiceNumber = (await db.Invoices.Where(i => i.Id == number).Select(i => i.Number).SingleAsync())!;
        (transfer.TextBody ?? "").ShouldContain($"To pay by bank transfer: IBAN FR76 3000 6000 0112 3456 7890 189, BIC BNPAFRPPXXX, reference {invoiceNumber}.");
        (transfer.HtmlBody ?? "").ShouldContain("IBAN <strong>FR76 3000 6000 0112 3456 7890 189</strong>");
        // The link cannot take the money, so it is not sold as "Pay now": it shows the invoice.
        (transfer.TextBody ?? "").ShouldNotContain("Pay now");
        (transfer.TextBody ?? "").ShouldContain("The invoice is online:");
        (transfer.HtmlBody ?? "").ShouldContain(">View the invoice</a>");
        // The EPC QR code travels inside the email, named by the HTML, and a banking app reading it gets the transfer:
        // the firm's IBAN and BIC, its legal name, the €480 due and the invoice number.
        (transfer.HtmlBody ?? "").ShouldContain("<img src=\"cid:epc-qr@portal\"");
        var image = transfer.BodyParts.OfType<MimePart>().Where(p => p.ContentId == "epc-qr@portal").ShouldHaveSingleItem();
        image.ContentType.MimeType.ShouldBe("image/png");
        using (var png = new MemoryStream())
        {
            await image.Content!.DecodeToAsync(png);
            QrImages.Read(png.ToArray()).ShouldBe($"BCD\n002\n1\nSCT\nBNPAFRPPXXX\nCabinet Martin SAS\nFR7630006000011234567890189\nEUR480.00\n\n\n{invoiceNumber}");
        }
        var card = (await app.Smtp.WaitForAsync(await app.BillingEmailAsync(cardClient))).ShouldHaveSingleItem();
        (card.TextBody ?? "").ShouldNotContain("bank transfer");
        (card.TextBody ?? "").ShouldNotContain("FR76");
        (card.TextBody ?? "").ShouldContain("Pay now, online, whatever way you usually pay:");
        card.BodyParts.OfType<MimePart>().ShouldNotContain(p => p.ContentId == "epc-qr@portal");
    }

    [Fact]
    public async Task A_client_with_several_overdue_invoices_is_offered_one_link_that_selects_them_all_on_the_pay_page()
    {
        var firm = await app.AFirmAsync();
        await Portal.Tests.Stripe.CardPaymentDriver.ConnectAsync(app, firm);
        await app.TurnOnRemindersAsync(firm);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var first = await app.AnInvoice(client).WithLine("Annual accounts", 1, 480_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Payroll", 1, 120_00).DueInLocalDays(app, -15, issuedDaysAgo: 45).IssuedAsync();
        var notYet = await app.AnInvoice(client).WithLine("Next month", 1, 30_00).DueInLocalDays(app, 10).IssuedAsync();
        // Only one overdue invoice: its reminder keeps to it.
        var alone = await app.AClientAsync(firm);
        await app.AnInvoice(alone).WithLine("Audit", 1, 200_00).DueInLocalDays(app, -7, issuedDaysAgo: 40).IssuedAsync();

        (await app.Sweeper().SweepAsync()).ShouldBe((3, 3));

        var mails = await app.Smtp.WaitForAsync(billing, count: 2);
        foreach (var mail in mails)
        {
            (mail.TextBody ?? "").ShouldContain("You have 2 overdue invoices, €600.00 in all. Pay them all at once:");
            (mail.TextBody ?? "").ShouldContain($"{app.BaseUrl.ToString().TrimEnd('/')}/portal/pay?select=overdue");
            (mail.HtmlBody ?? "").ShouldContain("/portal/pay?select=overdue\">Pay them all at once</a>");
        }
        var lone = (await app.Smtp.WaitForAsync(await app.BillingEmailAsync(alone))).ShouldHaveSingleItem();
        (lone.TextBody ?? "").ShouldNotContain("select=overdue");

        // The link, once the client has signed in: both overdue invoices selected in full, the one not yet due left out.
        using var session = await app.SignInAsync(client.Contact);
        var (_, page) = await session.GetPageAsync("/portal/pay?select=overdue");
        System.Net.WebUtility.HtmlDecode(page).ShouldContain("Total to pay: €600.00");
        var (_, plain) = await session.GetPageAsync("/portal/pay");
        System.Net.WebUtility.HtmlDecode(plain).ShouldContain("Total to pay: €0.00");
        _ = (first, second, notYet);
    }

    [Fact]
    public async Task Reminding_a_selection_sends_each_remindable_invoice_once_and_says_why_the_others_were_not()
    {
        var firm = await app.AFirmAsync();
        await app.TurnOnRemindersAsync(firm);
        var client = await app.AClientAsync(firm);
        var billing = await app.BillingEmailAsync(client);
        var late = await app.AnInvoice(client).WithLine("Consulting", 1, 300_00).DueInLocalDays(app, -8, issuedDaysAgo: 40).IssuedAsync();
        var upcoming = await app.AnInvoice(client).WithLine("Payroll", 1, 80_00).DueInLocalDays(app, 2).IssuedAsync();
        var paid = await app.AnInvoice(client).WithLine("Audit", 1, 90_00).DueInLocalDays(app, -8, issuedDaysAgo: 40).IssuedAsync();
        await app.PayByTransferAsync(client, paid.Id, 90_00);
        var other = await app.AFirmAsync();
        var theirs = await app.AnInvoice(await app.AClientAsync(other)).WithLine("Theirs", 1, 10_00).IssuedAsync();

        var results = await app.AsStaffOfAsync<ReminderSender, IReadOnlyList<Portal.Invoices.Delivery.DeliveryResult>>(firm,
            s => s.SendManyNowAsync([late.Id, upcoming.Id, paid.Id, theirs.Id, late.Id]));

        results.Count.ShouldBe(4);
        results.Where(r => r.Sent).Select(r => r.InvoiceId).ShouldBe([late.Id, upcoming.Id], ignoreOrder: true);
        results.Single(r => r.InvoiceId == paid.Id).Refusal!.Message.ShouldBe("This invoice is paid: there is nothing to remind.");
        results.Single(r => r.InvoiceId == theirs.Id).Sent.ShouldBeFalse();
        var mails = await app.Smtp.WaitForAsync(billing, count: 3);
        mails.Count(m => (m.Subject ?? "").Contains(late.Number!, StringComparison.Ordinal)).ShouldBe(1);
        mails.Count(m => (m.Subject ?? "").Contains(upcoming.Number!, StringComparison.Ordinal)).ShouldBe(1);
        (await app.RemindersOfAsync(firm)).Count.ShouldBe(2);
        (await app.RemindersOfAsync(other)).ShouldBeEmpty();
    }
}
