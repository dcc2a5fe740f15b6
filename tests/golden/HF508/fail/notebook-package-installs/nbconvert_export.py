#!/usr/bin/env python
# coding: utf-8

# In[ ]:


get_ipython().system('pip install -q bitsandbytes')
get_ipython().run_line_magic('pip', 'install datasets')
get_ipython().run_line_magic('matplotlib', 'inline')


# In[ ]:


get_ipython().system('wget -q https://example.invalid/data.zip')
