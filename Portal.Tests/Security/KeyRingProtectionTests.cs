using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Security;
using Portal.Tests.Fixture;

namespace Portal.Tests.Security;

/// <summary>The key ring in the database is encrypted with a certificate from outside it.</summary>
public sealed class KeyRingProtectionTests : IAsyncLifetime
{
    private const string StripeSecret = "sk_test_keyring_0123456789abcdefghij";
    private static readonly string Folder = Directory.CreateTempSubdirectory("portal-keyring-").FullName;
    private static readonly string FirstCertificate = NewCertificate("first");
    private static readonly string SecondCertificate = NewCertificate("second");
    private readonly CertifiedApp _app = new(FirstCertificate);

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_database_alone_does_not_reveal_a_provider_secret()
    {
        var ciphertext = await ConnectStripeAsync(_app);

        await using var db = _app.OpenDb();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
        var withDatabaseOnly = ProtectorOver(keys);
        var withCertificate = ProtectorOver(keys, X509CertificateLoader.LoadPkcs12FromFile(FirstCertificate, "first"));

        keys.ShouldNotBeEmpty();
        keys.ShouldAllBe(xml => xml.Contains("encryptedSecret") && !xml.Contains("<masterKey"));
        Should.Throw<CryptographicException>(() => withDatabaseOnly.Unprotect(ciphertext));
        withCertificate.Unprotect(ciphertext).ShouldBe(StripeSecret);
    }

    [Fact]
    public async Task Secrets_stay_readable_after_a_new_key_and_after_the_certificate_is_rotated()
    {
        var before = await ConnectStripeAsync(_app);
        var keys = _app.Services.GetRequiredService<IKeyManager>();
        var now = _app.Clock.GetUtcNow();
        keys.CreateNewKey(activationDate: now, expirationDate: now.AddDays(90));
        var secrets = _app.Services.GetRequiredService<ProviderSecrets>();

        // The next instance encrypts new keys with the second certificate and still reads the first one's.
        await using var rotated = new CertifiedApp(SecondCertificate, previous: FirstCertificate, sharesWith: _app);
        await rotated.InitializeAsync();
        var rotatedSecrets = rotated.Services.GetRequiredService<ProviderSecrets>();
        rotated.Services.GetRequiredService<IKeyManager>().CreateNewKey(activationDate: now, expirationDate: now.AddDays(90));
        var after = rotatedSecrets.Protect(PaymentProvider.Stripe, "sk_test_after_rotation_0123456789").Ciphertext;

        secrets.Unprotect(PaymentProvider.Stripe, before).ShouldBe(StripeSecret);
        rotatedSecrets.Unprotect(PaymentProvider.Stripe, before).ShouldBe(StripeSecret);
        rotatedSecrets.Unprotect(PaymentProvider.Stripe, after).ShouldBe("sk_test_after_rotation_0123456789");
    }

    [Fact]
    public async Task Production_refuses_to_start_with_an_unencrypted_key_ring()
    {
        await using var production = new ProductionWithoutCertificate();

        var refusal = await Should.ThrowAsync<InvalidOperationException>(production.InitializeAsync);

        refusal.Message.ShouldContain(KeyRingProtection.CertificatePath);
    }

    private static async Task<string> ConnectStripeAsync(PortalApp app)
    {
        var firm = await app.AFirmAsync();
        await app.AsStaffOfAsync<ProviderConnections>(firm, connections =>
            connections.SaveAsync(PaymentProvider.Stripe, ProviderMode.Test, "pk_test_keyring", StripeSecret, ""));
        await using var db = app.OpenDb();
        return await db.ProviderConnections.IgnoreQueryFilters().Where(c => c.FirmId == firm.Id).Select(c => c.ApiSecretProtected).SingleAsync();
    }

    // What someone holding a copy of the database has: the key ring's XML, and perhaps the certificate.
    private static IDataProtector ProtectorOver(IEnumerable<string> keyXml, X509Certificate2? certificate = null)
    {
        var folder = Directory.CreateTempSubdirectory("portal-stolen-keys-");
        foreach (var (xml, index) in keyXml.Select((xml, index) => (xml, index)))
            File.WriteAllText(Path.Combine(folder.FullName, $"key-{index}.xml"), xml);
        var provider = DataProtectionProvider.Create(folder, builder =>
        {
            builder.SetApplicationName("Portal").DisableAutomaticKeyGeneration();
            if (certificate is not null)
                builder.UnprotectKeysWithAnyCertificate(certificate);
        });
        return provider.CreateProtector($"Portal.Integrations.{PaymentProvider.Stripe}.Secrets.v1");
    }

    private static string NewCertificate(string password)
    {
        var path = Path.Combine(Folder, $"{password}.pfx");
        KeyRingProtection.CreateCertificate(path, password, TimeProvider.System);
        return path;
    }

    private sealed class CertifiedApp(string certificate, string? previous = null, PortalApp? sharesWith = null) : PortalApp
    {
        protected override PortalApp? SharesDatabaseWith => sharesWith;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(KeyRingProtection.CertificatePath, certificate);
            builder.UseSetting(KeyRingProtection.CertificatePassword, Path.GetFileNameWithoutExtension(certificate));
            if (previous is not null)
            {
                builder.UseSetting($"{KeyRingProtection.PreviousCertificates}:0:Path", previous);
                builder.UseSetting($"{KeyRingProtection.PreviousCertificates}:0:Password", Path.GetFileNameWithoutExtension(previous));
            }
        }
    }

    private sealed class ProductionWithoutCertificate : PortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
