using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>The demo with the sandboxes, sending its emails to a real SMTP server the test reads.</summary>
public sealed class MailingDemoApp : DemoSandboxPortalApp
{
    public SmtpSink Smtp { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Email:Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Smtp:UseStartTls", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
