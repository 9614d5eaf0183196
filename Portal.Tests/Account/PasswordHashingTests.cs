using System.Buffers.Binary;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Fixture;

namespace Portal.Tests.Account;

/// <summary>
/// Portal hashes passwords as configured for production: the suite's other apps use fewer rounds to spare the
/// processor, so this one keeps the app's own setting and reads a stored hash back.
/// </summary>
public sealed class PasswordHashingTests(PasswordHashingTests.ProductionHashingApp app) : IClassFixture<PasswordHashingTests.ProductionHashingApp>
{
    public sealed class ProductionHashingApp : PortalApp
    {
        protected override bool FastPasswordHashing => false;
    }

    [Fact]
    public async Task A_password_is_stored_as_pbkdf2_with_hmac_sha512_and_at_least_100000_rounds_and_signs_in()
    {
        var firm = await app.AFirmAsync();

        string stored;
        await using (var db = app.OpenDb())
            stored = await db.Users.IgnoreQueryFilters().Where(u => u.Id == firm.Owner.UserId).Select(u => u.PasswordHash!).SingleAsync();
        // ASP.NET Core Identity's version 3 format: a marker byte, then the PRF, the round count and the salt's length,
        // each a big-endian 32-bit integer, then the salt and the derived key.
        var hash = Convert.FromBase64String(stored);
        hash[0].ShouldBe((byte)0x01);
        ((KeyDerivationPrfOf)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))).ShouldBe(KeyDerivationPrfOf.HmacSha512);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)).ShouldBeGreaterThanOrEqualTo(100_000u);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9)).ShouldBeGreaterThanOrEqualTo(16u);
        new PasswordHasherOptions().IterationCount.ShouldBeGreaterThanOrEqualTo(100_000);

        using var session = await app.SignInAsync(firm.Owner);
        (await session.GetAsync("/staff")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    /// <summary>The PRF numbers Identity writes (Microsoft.AspNetCore.Cryptography.KeyDerivation's order).</summary>
    private enum KeyDerivationPrfOf : uint { HmacSha1 = 0, HmacSha256 = 1, HmacSha512 = 2 }
}
