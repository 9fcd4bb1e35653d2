# azd postprovision hook (PowerShell): the same as postprovision.sh, for Windows. Once a provision has written the
# LiveKit secret and the sandbox id to Key Vault, empty them in the azd environment, so that neither a later provision
# from this machine nor `azd pipeline config` can carry an old value (see postprovision.sh for the azd source).
$ErrorActionPreference = 'Stop'
foreach ($name in 'LIVEKIT_API_SECRET', 'SANDBOX_ID') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { continue }
    # Names only: a value never reaches the output (CI logs included).
    azd env set $name '' | Out-Null
    if ($LASTEXITCODE -ne 0) {
        [Console]::Error.WriteLine("postprovision: could not empty $name in the azd environment: run azd env set $name '' before the next provision")
        exit 1
    }
    Write-Host "postprovision: $name is in Key Vault now and was emptied in the azd environment (set it again only to change it)."
}

# A vault recovered from soft delete exists again: the next provision must not ask to recover it.
if ([Environment]::GetEnvironmentVariable('KEY_VAULT_RECOVER') -ceq 'true') {
    azd env set KEY_VAULT_RECOVER false | Out-Null
    if ($LASTEXITCODE -ne 0) {
        [Console]::Error.WriteLine('postprovision: could not set KEY_VAULT_RECOVER back: run azd env set KEY_VAULT_RECOVER false')
        exit 1
    }
    Write-Host 'postprovision: the vault is recovered; KEY_VAULT_RECOVER is false again.'
}
