# azd preprovision hook (PowerShell): the same checks as preprovision.sh, for Windows. It refuses, before anything
# is deployed, the azd environment values the function app would refuse when it starts, and the values azd could
# not hand to Bicep intact. Messages name settings and positions, never a value: the output lands in CI logs.
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$script:failed = $false
function Refuse([string] $message) { [Console]::Error.WriteLine("preprovision: $message"); $script:failed = $true }
function Value([string] $name) { $v = [Environment]::GetEnvironmentVariable($name); if ($null -eq $v) { '' } else { $v } }

# Location: one of the Flex Consumption regions infra/main.bicep allows (its first @allowed list).
$location = Value 'AZURE_LOCATION'
if ($location) {
    $regions = @(); $block = 0
    foreach ($line in Get-Content (Join-Path $root 'infra/main.bicep')) {
        if ($line -match '^@allowed\(\[') { $block++; continue }
        if ($block -eq 1 -and $line -match '^\]\)') { break }
        if ($block -eq 1) { $regions += $line.Trim().Trim("'") }
    }
    if ($regions -cnotcontains $location) {
        Refuse "AZURE_LOCATION does not offer Azure Functions Flex Consumption; pick one of: $($regions -join ' ') - az functionapp list-flexconsumption-locations lists today's regions"
    }
}

# LIVEKIT_URL: the worker accepts ws://, wss://, http:// and https:// URLs only. Empty: azd prompts for it.
$livekitUrl = Value 'LIVEKIT_URL'
if ($livekitUrl -and $livekitUrl -cnotmatch '^(wss?|https?)://.') {
    Refuse "LIVEKIT_URL must be a ws://, wss://, http:// or https:// URL, e.g. wss://<project>.livekit.cloud"
}

$extra = Value 'EXTRA_APP_SETTINGS'

# Bearer mode needs an issuer (https, unless the extra settings turn RequireHttpsMetadata off) and an audience.
$authMode = Value 'AUTH_MODE'
$authority = Value 'AUTH_AUTHORITY'
switch -CaseSensitive ($authMode) {
    { $_ -cin '', 'Anonymous' } { break }
    'Bearer' {
        if (-not $authority) { Refuse 'AUTH_MODE is Bearer but AUTH_AUTHORITY is empty: azd env set AUTH_AUTHORITY https://login.microsoftonline.com/<tenant-id>/v2.0' }
        elseif ($authority -cmatch '^https://.') { }
        elseif ($authority -cmatch '^http://.') {
            if (";$extra;" -cnotlike '*;Auth__RequireHttpsMetadata=false;*') { Refuse "AUTH_AUTHORITY must be https:// (the worker refuses a plain-HTTP issuer)" }
        }
        else { Refuse "AUTH_AUTHORITY must be an https:// URL" }
        if (-not (Value 'AUTH_AUDIENCE')) { Refuse 'AUTH_MODE is Bearer but AUTH_AUDIENCE is empty: azd env set AUTH_AUDIENCE api://<app-id>' }
        break
    }
    default { Refuse "AUTH_MODE must be Anonymous or Bearer" }
}

# EXTRA_APP_SETTINGS: NAME=value;NAME=value. azd copies it into main.parameters.json unescaped, so no " or \.
if ($extra.Contains('"') -or $extra.Contains('\')) { Refuse 'EXTRA_APP_SETTINGS must not contain " or \ (azd writes it into a JSON file without escaping)' }
# Sandbox__Id: only ever a Key Vault reference written from SANDBOX_ID, never a plain app setting.
$managed = @('LIVEKIT_URL', 'LIVEKIT_API_KEY', 'KEY_VAULT_URI', 'KEY_VAULT_SECRET_NAME', 'AZURE_CLIENT_ID', 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'TokenPolicy__MaxRequestBodyBytes', 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', 'Auth__Mode',
    'Auth__Authority', 'Auth__Audience', 'Auth__IdentityClaim', 'Sandbox__Id')
# Flex Consumption's deprecated app settings (learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
$flex = @('ENABLE_ORYX_BUILD', 'FUNCTIONS_EXTENSION_VERSION', 'FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_WORKER_RUNTIME_VERSION',
    'FUNCTIONS_MAX_HTTP_CONCURRENCY', 'FUNCTIONS_WORKER_PROCESS_COUNT', 'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
    'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_CONTENTOVERVNET', 'WEBSITE_CONTENTSHARE',
    'WEBSITE_DNS_SERVER', 'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_RUN_FROM_PACKAGE',
    'WEBSITE_SKIP_CONTENTSHARE_VALIDATION', 'WEBSITE_VNET_ROUTE_ALL')
# Anonymous mode: the worker refuses to start when any other Auth__ setting has a value (see preprovision.sh).
$anonymous = $authMode -cin '', 'Anonymous'
$extraNames = [System.Collections.Generic.List[string]]::new()
$position = 0
foreach ($raw in $extra.Split(';')) {
    $position++
    $entry = $raw.Trim()
    if (-not $entry) { continue }
    $eq = $entry.IndexOf('=')
    $name = if ($eq -gt 0) { $entry.Substring(0, $eq).Trim() } else { '' }
    if ($name -cnotmatch '^[A-Za-z_][A-Za-z0-9_]*$') { Refuse "EXTRA_APP_SETTINGS entry $position (counting from 1, split at ;) is not NAME=value"; continue }
    $value = $entry.Substring($eq + 1).Trim()
    if (-not $extraNames.Contains($name)) { $extraNames.Add($name) }
    # -contains ignores case, as the worker's configuration keys do (see preprovision.sh).
    if ($managed -contains $name) { Refuse "EXTRA_APP_SETTINGS must not set ${name}: the template sets it from its own azd value (docs/deploy.md, Settings)"; continue }
    if ($flex -ccontains $name) { Refuse "EXTRA_APP_SETTINGS must not set ${name}: Flex Consumption does not support it"; continue }
    if ($name -clike 'AzureWebJobsStorage*') { Refuse "EXTRA_APP_SETTINGS must not set ${name}: host storage is wired to the managed identity by the template" }
    elseif ($name -match 'secret') { Refuse "EXTRA_APP_SETTINGS must not set ${name}: secrets belong in Key Vault, not in app settings" }
    elseif ($name -like 'Auth__*' -and $anonymous -and $value) {
        Refuse "EXTRA_APP_SETTINGS sets ${name}, a bearer-mode setting, but AUTH_MODE is Anonymous: the app would refuse to start. azd env set AUTH_MODE Bearer, or remove it"
    }
}

# First provision or not, decided offline from KEY_VAULT_NAME, an output azd keeps after a provision (see preprovision.sh).
$vaultName = Value 'KEY_VAULT_NAME'
$recover = Value 'KEY_VAULT_RECOVER'
# A vault recovered from soft delete (KEY_VAULT_RECOVER, below) comes back with its secret.
if (-not (Value 'LIVEKIT_API_SECRET') -and -not $vaultName -and $recover -cne 'true') {
    Refuse 'LIVEKIT_API_SECRET is empty and this environment has no Key Vault yet (KEY_VAULT_NAME is unset: no provision has run), so the app would answer 503 to every token request. From a developer''s machine (the pipeline never carries the secret): azd env set LIVEKIT_API_SECRET "$(read -rs s; printf %s "$s")" then azd provision'
}

# A soft-deleted vault keeps its name taken: look for this environment's before a first provision (see preprovision.sh).
if ($recover -cnotin '', 'true', 'false') { Refuse 'KEY_VAULT_RECOVER must be true or false' }
if ($recover -ceq 'true' -and $vaultName) {
    Refuse "KEY_VAULT_RECOVER is true but this environment's vault exists (KEY_VAULT_NAME is set): there is nothing to recover. azd env set KEY_VAULT_RECOVER false"
}
if (-not $vaultName -and $recover -cne 'true' -and (Get-Command az -ErrorAction SilentlyContinue)) {
    $query = "[?properties.tags.""azd-env-name""=='$(Value 'AZURE_ENV_NAME')' && properties.location=='$(Value 'AZURE_LOCATION')'].name"
    $azArgs = @('keyvault', 'list-deleted', '--resource-type', 'vault', '--query', $query, '-o', 'tsv')
    if (Value 'AZURE_SUBSCRIPTION_ID') { $azArgs += '--subscription', (Value 'AZURE_SUBSCRIPTION_ID') }
    $deleted = try { @(& az @azArgs 2>$null) | Select-Object -First 1 } catch { $null }
    if ($LASTEXITCODE -ne 0) { $deleted = $null }
    if ($deleted) {
        $deleted = "$deleted".Trim()
        Refuse "this environment's Key Vault $deleted is soft-deleted (azd down without --purge), and a new one cannot take its name. Recover it with its secrets: azd env set KEY_VAULT_RECOVER true, then provision again. Or, if it has no purge protection, delete it for good (its secrets too): az keyvault purge --name $deleted"
    }
}

# The sandbox routes stay on through SANDBOX_ENABLED, a pipeline variable; SANDBOX_ID itself never reaches the pipeline.
$sandboxEnabled = Value 'SANDBOX_ENABLED'
$sandboxId = Value 'SANDBOX_ID'
if ($sandboxEnabled -cnotin '', 'true', 'false') { Refuse 'SANDBOX_ENABLED must be true or false' }
if ($sandboxId -and $sandboxEnabled -cne 'true') {
    Refuse 'SANDBOX_ID is set but SANDBOX_ENABLED is not true: the pipeline never carries SANDBOX_ID, so the next push would turn the sandbox routes off. azd env set SANDBOX_ENABLED true'
}
if ($sandboxEnabled -ceq 'true' -and -not $sandboxId -and -not $vaultName) {
    Refuse 'SANDBOX_ENABLED is true but SANDBOX_ID is empty and this environment has no Key Vault yet: azd env set SANDBOX_ID "$(openssl rand -hex 24)"'
}

if ($script:failed) { exit 1 }

if (-not (Value 'LIVEKIT_API_SECRET')) {
    Write-Host 'preprovision: LIVEKIT_API_SECRET is empty: the vault keeps the secret it holds.'
}

# A provision writes the whole app settings list (infra/app/api.bicep): say which names. Names only.
$settings = @('LIVEKIT_URL', 'LIVEKIT_API_KEY', 'KEY_VAULT_URI', 'KEY_VAULT_SECRET_NAME', 'TokenPolicy__MaxRequestBodyBytes', 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT',
    'AzureWebJobsStorage__blobServiceUri', 'AzureWebJobsStorage__credential', 'AzureWebJobsStorage__clientId', 'AZURE_CLIENT_ID',
    'APPLICATIONINSIGHTS_CONNECTION_STRING', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING')
if ($authMode -ceq 'Bearer') { $settings += 'Auth__Mode', 'Auth__Authority', 'Auth__Audience', 'Auth__IdentityClaim' }
if ($sandboxEnabled -ceq 'true') { $settings += 'Sandbox__Id' }
Write-Host "preprovision: this provision sets exactly these app settings and removes any other (settings live in the azd environment: docs/deploy.md, Settings): $(($settings + $extraNames) -join ' ')"
