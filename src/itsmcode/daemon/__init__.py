"""The lint server: ``itsm lint --daemon`` answered by a process that stays warm.

A one-file ``itsm lint`` spends most of its time importing (Python, click, pydantic,
the models) before it reads a byte. The pre-commit hook runs ``itsm lint --daemon``:
a small client (``client``, standard library only) hands its arguments, folder and
environment to a server of the same user (``server``) over a Unix socket in a private
folder (``address``), and prints what comes back; when no server answers, ``itsm``
runs the command itself and starts one for next time. The server runs the very same
``itsm lint`` in-process, so its answer is the one a fresh process would give.
"""
