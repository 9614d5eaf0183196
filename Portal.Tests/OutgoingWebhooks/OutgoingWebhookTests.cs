using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Ledger;
using Portal.Domain.OutgoingWebhooks;
using Portal.Domain.Payments;
using Portal.Email;
using Portal.Invoices;
using Portal.OutgoingWebhooks;
using Portal.Tests.Fixture;
using Portal.Tests.Stripe;

namespace Portal.Tests.OutgoingWebhooks;

public sealed class OutgoingWebhookTests(OutgoingWebhookApp app) : IClassFixture<OutgoingWebhookApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonElement Json(ReceivedWebhook request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task An_issued_invoice_arrives_once_signed_with_the_invoice_as_the_api_shows_it()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.InvoiceIssued, OutgoingEventTypes.ClientCreated);
        var draft = await app.AnInvoice(client).WithLine("Annual accounts", 2, 450_00).DraftAsync();

        var number = await app.AsStaffOfAsync<Invoicing, string>(firm, i => i.IssueAsync(draft.Id));

        var request = (await app.Receiver.WaitForAsync(path, 1, r => r.EventType == OutgoingEventTypes.InvoiceIssued)).Single();
        WebhookReceiver.SignatureHolds(request, endpoint.Secret, app.Clock.GetUtcNow()).ShouldBeTrue(request.Signature);
        WebhookReceiver.SignatureHolds(request, endpoint.Secret + "x", app.Clock.GetUtcNow()).ShouldBeFalse("another secret does not verify");
        request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        var body = Json(request);
        body.GetProperty("type").GetString().ShouldBe("invoice.issued");
        body.GetProperty("id").GetGuid().ShouldBe(Guid.Parse(request.EventId!));
        var invoice = body.GetProperty("data");
        invoice.GetProperty("object").GetString().ShouldBe("invoice");
        invoice.GetProperty("id").GetGuid().ShouldBe(draft.Id);
        invoice.GetProperty("number").GetString().ShouldBe(number);
        invoice.GetProperty("status").GetString().ShouldBe("open");
        invoice.GetProperty("total").GetProperty("amount_minor").GetInt64().ShouldBe(900_00);
        invoice.GetProperty("client_id").GetGuid().ShouldBe(client.Id);

        // Something later for the same endpoint arrives after it: by then a second copy would have come too.
        var later = await app.AClientAsync(firm, name: "Later Ltd");
        await app.Receiver.WaitForAsync(path, 1, r => r.EventType == OutgoingEventTypes.ClientCreated && Json(r).GetProperty("data").GetProperty("id").GetGuid() == later.Id);
        app.Receiver.ReceivedAt(path).Count(r => r.EventType == OutgoingEventTypes.InvoiceIssued).ShouldBe(1);
        var delivery = await app.WaitForDeliveryAsync(endpoint.Id, d => d.EventType == OutgoingEventTypes.InvoiceIssued && d.Status == WebhookDeliveryStatus.Succeeded);
        (delivery.Attempts, delivery.LastResponseCode, delivery.EventId).ShouldBe((1, 200, Guid.Parse(request.EventId!)));
    }

    [Fact]
    public async Task A_card_payment_through_the_stripe_sandbox_sends_payment_succeeded_and_invoice_paid()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.PaymentSucceeded, OutgoingEventTypes.InvoicePaid, OutgoingEventTypes.PaymentRefunded);
        var invoice = await app.AnInvoice(client).WithLine("Payroll", 1, 240_00).IssuedAsync();
        var driver = await CardPaymentDriver.ConnectAsync(app, firm);

        var checkout = await driver.PaidAsync(client, [new InvoiceAmount(invoice.Id, client.Amount(240_00))]);

        var received = await app.Receiver.WaitForAsync(path, 2);
        received.Select(r => r.EventType).Order().ShouldBe(["invoice.paid", "payment.succeeded"]);
        var payment = Json(received.Single(r => r.EventType == "payment.succeeded")).GetProperty("data");
        payment.GetProperty("id").GetGuid().ShouldBe(checkout.PaymentId);
        payment.GetProperty("method").GetString().ShouldBe("card");
        payment.GetProperty("status").GetString().ShouldBe("succeeded");
        payment.GetProperty("amount").GetProperty("amount_minor").GetInt64().ShouldBe(240_00);
        var paid = Json(received.Single(r => r.EventType == "invoice.paid")).GetProperty("data");
        (paid.GetProperty("id").GetGuid(), paid.GetProperty("status").GetString(), paid.GetProperty("amount_due").GetProperty("amount_minor").GetInt64())
            .ShouldBe((invoice.Id, "paid", 0L));

        // Part of it goes back to the card.
        await app.AsStaffOfAsync<Portal.Providers.Stripe.StripeRefunder>(firm, r => r.RefundToCardAsync(checkout.PaymentId, client.Amount(40_00), "refund-1"));

        var refund = (await app.Receiver.WaitForAsync(path, 1, r => r.EventType == "payment.refunded")).Single();
        var refunded = Json(refund).GetProperty("data");
        (refunded.GetProperty("id").GetGuid(), refunded.GetProperty("status").GetString(), refunded.GetProperty("refunded").GetProperty("amount_minor").GetInt64())
            .ShouldBe((checkout.PaymentId, "partially_refunded", 40_00L));
    }

    [Fact]
    public async Task Credit_added_by_staff_is_sent_with_the_amount_and_the_new_balance_and_nothing_the_endpoint_did_not_ask_for()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);

        await app.GiveCreditAsync(client, 75_00);

        var request = (await app.Receiver.WaitForAsync(path, 1)).Single();
        request.EventType.ShouldBe("credit.added");
        var credit = Json(request).GetProperty("data");
        credit.GetProperty("client_id").GetGuid().ShouldBe(client.Id);
        credit.GetProperty("amount").GetProperty("amount_minor").GetInt64().ShouldBe(75_00);
        credit.GetProperty("balance").GetProperty("amount_minor").GetInt64().ShouldBe(75_00);
        credit.GetProperty("amount").GetProperty("currency").GetString().ShouldBe("EUR");
        // The transfer succeeded too, but this endpoint did not ask for payments.
        await using var db = app.OpenDb(firm.Id);
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.PaymentSucceeded)).ShouldBe(1);
        (await db.WebhookDeliveries.CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Credit_used_on_an_invoice_is_sent_with_the_invoice_and_the_amount_and_a_replayed_use_sends_nothing_more()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditApplied);
        await app.GiveCreditAsync(client, 60_00);
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00).IssuedAsync();

        var key = MoneyChecks.NewKey();
        var used = await app.AsStaffOfAsync<Portal.Wallets.CreditSpender, Portal.Ledger.MoneyResult>(firm, s => s.ApplyAsync(new(invoice.Id, null, key)));
        await app.AsStaffOfAsync<Portal.Wallets.CreditSpender, Portal.Ledger.MoneyResult>(firm, s => s.ApplyAsync(new(invoice.Id, null, key)));

        var request = (await app.Receiver.WaitForAsync(path, 1)).Single();
        request.EventType.ShouldBe("credit.applied");
        var applied = Json(request).GetProperty("data");
        applied.GetProperty("object").GetString().ShouldBe("credit_application");
        (applied.GetProperty("client_id").GetGuid(), applied.GetProperty("payment_id").GetGuid(), applied.GetProperty("amount").GetProperty("amount_minor").GetInt64())
            .ShouldBe((client.Id, used.Id!.Value, 60_00L));
        var onInvoice = applied.GetProperty("invoices").EnumerateArray().ShouldHaveSingleItem();
        (onInvoice.GetProperty("invoice_id").GetGuid(), onInvoice.GetProperty("amount").GetProperty("amount_minor").GetInt64()).ShouldBe((invoice.Id, 60_00L));
        // The replay with the same key booked nothing, so it raised nothing.
        await using var db = app.OpenDb(firm.Id);
        (await db.OutgoingEvents.CountAsync(e => e.Type == OutgoingEventTypes.CreditApplied)).ShouldBe(1);
    }

    [Fact]
    public async Task A_part_payment_a_payment_kept_as_credit_and_a_void_each_send_their_event()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.InvoicePartiallyPaid, OutgoingEventTypes.PaymentRefunded,
            OutgoingEventTypes.CreditAdded, OutgoingEventTypes.InvoiceVoided);
        var invoice = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 100_00).IssuedAsync();
        var other = await app.AnInvoice(client).WithLine("Set-up", 1, 50_00).IssuedAsync();

        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 40_00);
        await app.AsStaffOfAsync<Portal.Payments.PaymentCorrections, Portal.Ledger.MoneyResult>(firm,
            c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(15_00), MoneyChecks.NewKey()));
        await app.AsStaffOfAsync<Invoicing, string>(firm, i => i.VoidAsync(other.Id, "Issued by mistake"));

        // Kept as credit, the money stays with the firm: credit added, not a refund (that is money sent back, below).
        var received = await app.Receiver.WaitForAsync(path, 3);
        received.Select(r => r.EventType).ShouldBe(["invoice.partially_paid", "credit.added", "invoice.voided"], ignoreOrder: true);
        var part = Json(received.Single(r => r.EventType == "invoice.partially_paid")).GetProperty("data");
        (part.GetProperty("id").GetGuid(), part.GetProperty("amount_paid").GetProperty("amount_minor").GetInt64()).ShouldBe((invoice.Id, 40_00L));
        Json(received.Single(r => r.EventType == "credit.added")).GetProperty("data").GetProperty("amount").GetProperty("amount_minor").GetInt64().ShouldBe(15_00);
        var voided = Json(received.Single(r => r.EventType == "invoice.voided")).GetProperty("data");
        (voided.GetProperty("id").GetGuid(), voided.GetProperty("status").GetString(), voided.GetProperty("void_reason").GetString())
            .ShouldBe((other.Id, "void", "Issued by mistake"));
    }

    [Fact]
    public async Task A_change_that_rolls_back_raises_no_event_and_one_that_commits_does()
    {
        var firm = await app.AFirmAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.ClientCreated);
        await using (var db = app.OpenDb(firm.Id))
        {
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.ClientAccounts.Add(new Portal.Domain.Clients.ClientAccount(firm.Id, "Rolled Back Ltd", "rolled@back.test", Currency.EUR, app.Clock.GetUtcNow()));
                await db.SaveChangesAsync();
                (await db.OutgoingEvents.CountAsync()).ShouldBe(1, "raised in the same transaction as the change");
                await transaction.RollbackAsync();
            }
            (await db.OutgoingEvents.CountAsync()).ShouldBe(0);
        }

        var kept = await app.AClientAsync(firm, name: "Committed Ltd");

        var request = (await app.Receiver.WaitForAsync(path, 1)).Single();
        Json(request).GetProperty("data").GetProperty("id").GetGuid().ShouldBe(kept.Id);
        request.Body.ShouldNotContain("Rolled Back Ltd");
    }

    [Fact]
    public async Task A_mandate_that_becomes_active_then_is_cancelled_at_the_bank_sends_both_events()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.MandateActive, OutgoingEventTypes.MandateCancelled);
        var gc = await Portal.Tests.DirectDebit.DirectDebitDriver.ConnectAsync(app, firm);

        var mandate = await gc.ActiveMandateAsync(client);
        var active = (await app.Receiver.WaitForAsync(path, 1)).Single();
        await gc.RunScenarioAsync("mandate_cancelled", mandate.MandateId);
        await gc.ApplyWebhooksAsync("mandates.cancelled");

        var cancelled = (await app.Receiver.WaitForAsync(path, 2))[1];
        (active.EventType, cancelled.EventType).ShouldBe(("mandate.active", "mandate.cancelled"));
        var data = Json(active).GetProperty("data");
        (data.GetProperty("object").GetString(), data.GetProperty("id").GetGuid(), data.GetProperty("client_id").GetGuid(), data.GetProperty("provider_mandate_id").GetString())
            .ShouldBe(("mandate", mandate.Id, client.Id, mandate.MandateId));
        Json(cancelled).GetProperty("data").GetProperty("status").GetString().ShouldBe("cancelled");
    }

    [Fact]
    public async Task A_receiver_answering_500_gets_the_same_event_again_once_the_back_off_is_over()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded, OutgoingEventTypes.ClientCreated);
        app.Receiver.Answer(path, n => n == 1 ? 500 : 200);

        await app.GiveCreditAsync(client, 20_00);

        var first = await app.WaitForDeliveryAsync(endpoint.Id, d => d.Attempts == 1);
        first.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        first.LastResponseCode.ShouldBe(500);
        first.LastResponseBody.ShouldBe("receiver is down for the test");
        first.NextAttemptAt.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(first.LastAttemptAt!.Value + WebhookDelivery.BackOff(1));
        // The dispatcher runs again (a new client) before the back-off is over: it sends the new event, not the retry.
        await app.AClientAsync(firm);
        await app.Receiver.WaitForAsync(path, 1, r => r.EventType == OutgoingEventTypes.ClientCreated);
        app.Receiver.ReceivedAt(path).Count(r => r.EventType == OutgoingEventTypes.CreditAdded).ShouldBe(1);

        app.TestClock.Advance(WebhookDelivery.BackOff(1) + TimeSpan.FromSeconds(1));
        app.WakeDispatcher();

        var both = await app.Receiver.WaitForAsync(path, 2, r => r.EventType == OutgoingEventTypes.CreditAdded);
        both.Select(r => r.EventId).Distinct().Count().ShouldBe(1, "a retry carries the same event id");
        var delivered = await app.WaitForDeliveryAsync(endpoint.Id, d => d.EventType == OutgoingEventTypes.CreditAdded && d.Status == WebhookDeliveryStatus.Succeeded);
        (delivered.Attempts, delivered.LastResponseCode).ShouldBe((2, 200));
    }

    [Fact]
    public async Task Three_days_of_failures_fail_the_delivery_disable_the_endpoint_and_tell_the_owner_once()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);
        app.Receiver.Answer(path, _ => 503);

        await app.GiveCreditAsync(client, 10_00);
        await app.WaitForDeliveryAsync(endpoint.Id, d => d.Attempts == 1);
        // Still within the window: tried again later, not given up.
        app.TestClock.Advance(TimeSpan.FromDays(1));
        app.WakeDispatcher();
        var second = await app.WaitForDeliveryAsync(endpoint.Id, d => d.Attempts == 2);
        second.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        (await app.EndpointAsync(endpoint.Id)).Enabled.ShouldBeTrue();

        app.TestClock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        app.WakeDispatcher();

        var failed = await app.WaitForDeliveryAsync(endpoint.Id, d => d.Status == WebhookDeliveryStatus.Failed);
        (failed.Attempts, failed.LastResponseCode).ShouldBe((3, 503));
        var disabled = await app.EndpointAsync(endpoint.Id);
        disabled.Enabled.ShouldBeFalse();
        disabled.DisabledReason.ShouldNotBeNull().ShouldContain("3 days");
        // Nothing more goes to a disabled endpoint, and the owner is told once however often the dispatcher runs:
        // a healthy endpoint of the same firm shows when the dispatcher has been through the later events.
        var (healthy, healthyPath) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);
        await app.GiveCreditAsync(client, 5_00);
        await app.Receiver.WaitForAsync(healthyPath, 1);
        await app.GiveCreditAsync(client, 6_00);
        await app.Receiver.WaitForAsync(healthyPath, 2);
        await app.WaitForDeliveryAsync(healthy.Id, d => d.Status == WebhookDeliveryStatus.Succeeded);
        await using var db = app.OpenDb(firm.Id);
        var emails = await db.Set<EmailMessage>().Where(m => m.To == firm.Owner.Email).ToListAsync();
        emails.Count.ShouldBe(1);
        emails[0].Subject.ShouldBe("A webhook endpoint was disabled");
        emails[0].TextBody.ShouldContain(disabled.Url);
        app.Receiver.ReceivedAt(path).Count.ShouldBe(3);
        (await db.WebhookDeliveries.CountAsync(d => d.EndpointId == endpoint.Id)).ShouldBe(1, "a disabled endpoint gets no new deliveries");
    }

    [Fact]
    public async Task The_owner_resends_a_delivered_event_with_the_same_event_id()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, path) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);
        await app.GiveCreditAsync(client, 30_00);
        var delivered = await app.WaitForDeliveryAsync(endpoint.Id, d => d.Status == WebhookDeliveryStatus.Succeeded);

        await app.AsStaffOfAsync<WebhookEndpoints>(firm, e => e.ResendAsync(delivered.Id));

        var both = await app.Receiver.WaitForAsync(path, 2);
        both[1].EventId.ShouldBe(both[0].EventId);
        both[1].Body.ShouldBe(both[0].Body);
        WebhookReceiver.SignatureHolds(both[1], endpoint.Secret, app.Clock.GetUtcNow()).ShouldBeTrue();
        (await app.WaitForDeliveryAsync(endpoint.Id, d => d.Attempts == 2)).Status.ShouldBe(WebhookDeliveryStatus.Succeeded);
    }

    [Fact]
    public async Task Another_firms_owner_can_neither_see_nor_resend_a_delivery()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, _) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);
        await app.GiveCreditAsync(client, 30_00);
        var delivered = await app.WaitForDeliveryAsync(endpoint.Id, d => d.Status == WebhookDeliveryStatus.Succeeded);
        var other = await app.AFirmAsync();

        using var stranger = await app.SignInAsync(other.Owner);
        var (status, html) = await stranger.GetPageAsync($"/staff/settings/webhook-endpoints/{endpoint.Id}");
        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain(app.Receiver.BaseUrl.Authority);
        await Should.ThrowAsync<Portal.Data.NotFoundException>(() => app.AsStaffOfAsync<WebhookEndpoints>(other, e => e.ResendAsync(delivered.Id)));
        await Should.ThrowAsync<Portal.Data.NotFoundException>(() => app.AsStaffOfAsync<WebhookEndpoints>(other, e => e.DeleteAsync(endpoint.Id)));

        using var owner = await app.SignInAsync(firm.Owner);
        var (ownStatus, ownHtml) = await owner.GetPageAsync($"/staff/settings/webhook-endpoints/{endpoint.Id}");
        ownStatus.ShouldBe(HttpStatusCode.OK);
        ownHtml.ShouldContain("credit.added");
        ownHtml.ShouldContain(delivered.EventId.ToString());
    }

    [Fact]
    public async Task A_staff_member_who_is_not_the_owner_cannot_reach_the_webhook_pages()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (endpoint, _) = await app.AnEndpointAsync(firm, OutgoingEventTypes.CreditAdded);

        using var staff = await app.SignInAsync(firm.Staff);
        foreach (var page in new[] { "/staff/settings/webhook-endpoints", $"/staff/settings/webhook-endpoints/{endpoint.Id}" })
        {
            using var response = await staff.GetAsync(page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, page);
            response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, page);
        }
        using var owner = await app.SignInAsync(firm.Owner);
        var (status, html) = await owner.GetPageAsync("/staff/settings/webhook-endpoints");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain(app.Receiver.BaseUrl.Authority);
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_a_bad_endpoint_is_refused_with_nothing_saved()
    {
        var (firm, _) = await app.AFirmWithAClientAsync();
        var (endpoint, _) = await app.AnEndpointAsync(firm, OutgoingEventTypes.InvoicePaid);
        endpoint.Secret.ShouldStartWith("whsec_");
        var stored = await app.EndpointAsync(endpoint.Id);
        stored.ProtectedSecret.ShouldNotContain(endpoint.Secret[6..]);
        stored.SecretMask.ShouldBe($"whsec_…{endpoint.Secret[^4..]}");

        var refusals = new (string Url, string[] Types, string Message)[]
        {
            ("not a url", [OutgoingEventTypes.InvoicePaid], "Enter a full URL"),
            ("ftp://files.example.com/hook", [OutgoingEventTypes.InvoicePaid], "Enter a full URL"),
            ("https://user:pw@example.com/hook", [OutgoingEventTypes.InvoicePaid], "user name or password"),
            ("https://example.com/hook", [], "at least one event"),
            ("https://example.com/hook", ["invoice.exploded"], "not an event Portal sends"),
        };
        foreach (var (url, types, message) in refusals)
        {
            var refused = await Should.ThrowAsync<DomainException>(() => app.AsStaffOfAsync<WebhookEndpoints, NewWebhookEndpoint>(firm, e => e.CreateAsync(url, null, types)));
            refused.Message.ShouldContain(message, Case.Insensitive, url);
        }
        await using var db = app.OpenDb(firm.Id);
        (await db.WebhookEndpoints.CountAsync()).ShouldBe(1);
    }
}
