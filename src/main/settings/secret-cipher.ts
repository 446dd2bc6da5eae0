/**
 * How secrets (the remote token, a MongoDB URI with a password) are kept on disk. In the app
 * this is Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet); where the OS offers
 * no keyring, secrets are stored as they are and the settings screen says so
 * (SettingsView.secretsEncrypted = false).
 */
export interface SecretCipher {
  /** Whether encrypt() really encrypts on this machine. */
  isEncryptionAvailable(): boolean;
  /** Returns base64 ciphertext. */
  encrypt(plain: string): string;
  /** Takes base64 ciphertext; throws when it cannot be decrypted (another user, another key). */
  decrypt(data: string): string;
}

/** The shape of Electron's safeStorage that we use, so this file needs no electron import. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  getSelectedStorageBackend?: () => string;
}

export function safeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  return {
    isEncryptionAvailable: () => {
      if (!safeStorage.isEncryptionAvailable()) return false;
      // On Linux without a keyring Electron "encrypts" with a hard-coded key: not real.
      return safeStorage.getSelectedStorageBackend?.() !== 'basic_text';
    },
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (data) => safeStorage.decryptString(Buffer.from(data, 'base64')),
  };
}

/** No keyring: secrets are kept as they are (the settings file is readable by its owner only). */
export const plainCipher: SecretCipher = {
  isEncryptionAvailable: () => false,
  encrypt: (plain) => plain,
  decrypt: (data) => data,
};
