import { removeBinaryStorage } from './binaryStorage';

// Each test file that stores binaries on disk gets a temporary folder; it goes when the file is done.
afterAll(removeBinaryStorage);
