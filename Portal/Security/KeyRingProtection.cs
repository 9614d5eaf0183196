using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Security;

/// <summary>
/// The Data Protection key ring is kept in the database, next to the provider secrets it encrypts and the sign-in
/// cookies it signs. Stored as it is, a copy of the database would hold both the ciphertexts and their keys. So each key
/// is itself encrypted with a certificate that comes from outside the database (a mounted secret named in
/// configuration); a database backup alone then reveals no provider secret and forges no cookie.
/// </summary>
public static class KeyRingProtection
{
    public const string CertificatePath = "DataProtection:Certificate:Path";
    public const string CertificatePassword = "DataProtection:Certificate:Password";
    public const string PreviousCertificates = "DataProtection:PreviousCertificates";

    /// <summary>
    /// Encrypts new keys with <c>DataProtection:Certificate</c> and reads keys encrypted with it or with any of
    /// <c>DataProtection:PreviousCertificates</c> (a rotated certificate stays listed until every key it encrypted has
    /// expired). Without a certificate, only Development and the test host run, with unencrypted keys: the demo needs
    /// no set-up, and production never starts with keys anyone holding the database could read.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder dataProtection, IConfiguration configuration, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configuration[CertificatePath]))
        {
            if (environment.IsDevelopment() || environment.IsEnvironment("Testing"))
                return dataProtection;
            throw new InvalidOperationException(
                $"The Data Protection key ring would be stored unencrypted in the database. Set {CertificatePath} (a PKCS#12 file, " +
                $"mounted as a secret) and {CertificatePassword}; see the README's section on keys.");
        }

        var current = Load(configuration[CertificatePath]!, configuration[CertificatePassword], CertificatePath);
        var previous = configuration.GetSection(PreviousCertificates).GetChildren()
            .Select(c => Load(c["Path"] ?? "", c["Password"], $"{PreviousCertificates}:{c.Key}:Path"));
        return dataProtection.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
    }

    /// <summary>
    /// Writes a new self-signed certificate with its private key to <paramref name="path"/> (PKCS#12). Data Protection
    /// only uses the certificate's key pair, so no authority needs to sign it; operators may equally use openssl.
    /// </summary>
    public static void CreateCertificate(string path, string password, TimeProvider clock)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Portal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = clock.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
    }

    private static X509Certificate2 Load(string path, string? password, string setting)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{setting} names '{path}', which does not exist.");
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"{setting} names a certificate without its private key: the key ring could be written but never read.");
        return certificate;
    }
}
