using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Checks an access token handed over outside the <c>Authorization</c> header (a WebSocket's
/// first frame: browsers cannot set headers on one) with exactly the bearer scheme's rules, and the
/// account behind it as every policy does.</summary>
public sealed class AccessTokenReader(IOptionsMonitor<JwtBearerOptions> bearer, IAccountStatus accounts)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's user, the account's state now and when the token expires, or null when
    /// the token is not valid or its account is gone or inactive.</summary>
    public async Task<(ClaimsPrincipal User, AccountState State, DateTime Expires)?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        var parameters = bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return null;
        }

        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        return await accounts.FindAsync(user, cancellationToken) is { IsActive: true } state ? (user, state, result.SecurityToken.ValidTo) : null;
    }
}
