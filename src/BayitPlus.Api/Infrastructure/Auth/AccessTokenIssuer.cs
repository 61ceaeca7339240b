using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Issues the short-lived JWT access tokens the bearer handler validates.</summary>
public sealed class AccessTokenIssuer(JwtSettings settings, TimeProvider time)
{
    private readonly SigningCredentials _credentials = new(SigningKey(settings), SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler _handler = new();

    public static SymmetricSecurityKey SigningKey(JwtSettings settings) => new(Encoding.UTF8.GetBytes(settings.SigningKey));

    public (string Token, DateTime ExpiresAt) Issue(string userId, string email, string role, string? deviceId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now + settings.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Email] = email,
            [Roles.Claim] = role,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (deviceId is not null)
        {
            claims[CurrentUser.DeviceClaim] = deviceId;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            Claims = claims,
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }
}
