// Types only (see framework-5x.d.ts): importing this subpath at runtime does nothing.
'use strict';
