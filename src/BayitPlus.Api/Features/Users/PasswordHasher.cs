namespace BayitPlus.Api.Features.Users;

/// <summary>BCrypt hashing of passwords, as the spec's <c>password_hash</c> stores them.</summary>
public sealed class PasswordHasher(UsersSettings settings)
{
    /// <summary>A hash to verify against when the account has none, so an unknown email costs as
    /// much time as a wrong password and timing does not reveal which accounts exist.</summary>
    private readonly Lazy<string> _decoy = new(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), settings.BcryptWorkFactor));

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, settings.BcryptWorkFactor);

    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, _decoy.Value);
            return false;
        }

        return BCrypt.Net.BCrypt.Verify(password, hash);
    }
}
